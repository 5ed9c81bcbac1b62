/**
 * Kinds behind the static N+1 problems person13 met (issue 20): a helper reaching the database only through a method
 * of an object computed from one of its parameters (Q1 again), which function a method call reaches when several
 * classes define it (P7), and where the finding sits when the query is in a helper (P2). One small synthetic fixture
 * per kind, both ways.
 */
import { expectNPlusOneInScan } from '../../support/nplusoneFixtures';

describe('N+1 kinds person13 met (issue 20)', () => {
  it('a helper reaching the database only through a method of an object computed from an argument (`check = flip.owner`, `check.recent_pings()`) queries the same every time when that argument is the same every time (Q1 per header); per flip it is an N+1', async () => {
    const models = {
      path: 'hc/api/models.py',
      text: [
        'from django.db import models',
        '',
        '',
        'class Check(models.Model):',
        '    name = models.CharField(max_length=100)',
        '',
        '    def recent_pings(self):',
        '        return list(Ping.objects.filter(owner=self).order_by("-created")[:10])',
        '',
        '',
        'class Ping(models.Model):',
        '    owner = models.ForeignKey(Check, models.CASCADE)',
        '',
      ],
    };
    const webhook = {
      path: 'hc/integrations/webhook/transport.py',
      text: [
        'from hc.api.models import Check',
        '',
        '',
        'class Webhook:',
        '    def prepare(self, template: str, flip, urlencode: bool = False, latin1: bool = False) -> str:',
        '        check = flip.owner',
        '        pings = check.recent_pings()',
        '        return template.replace("$PINGS", str(len(pings)))',
        '',
        '    def notify(self, flip, spec):',
        '        headers = {}',
        '        for key, value in spec.headers.items():',
        '            headers[key] = self.prepare(value, flip, latin1=True)',
        '        return headers',
        '',
        '    def notify_all(self, flips, spec):',
        '        bodies = []',
        '        for flip in flips:',
        '            bodies.append(self.prepare(spec.body, flip, latin1=True))',
        '        return bodies',
        '',
      ],
    };
    await expectNPlusOneInScan([models, webhook], ['hc/integrations/webhook/transport.py:19']);
  });
});
