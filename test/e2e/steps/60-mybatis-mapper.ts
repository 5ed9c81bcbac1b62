/**
 * A MyBatis XML mapper opened in the editor is analysed live: its statements get PG Lens diagnostics
 * (the extension activates on xml documents; the path and the text decide that the file is a mapper).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Step } from '../lib/types';
import { StepFailure } from '../lib/workbench';

const MAPPER = `<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE mapper PUBLIC "-//mybatis.org//DTD Mapper 3.0//EN" "http://mybatis.org/dtd/mybatis-3-mapper.dtd">
<mapper namespace="shop.OrderMapper">
  <select id="page" resultType="map">
    SELECT id, customer_id FROM orders
    WHERE customer_id = #{customerId}
    ORDER BY id
    LIMIT #{size} OFFSET #{offset}
  </select>
</mapper>
`;

export const step: Step = {
  title: 'a MyBatis XML mapper opened in the editor gets its diagnostics live',
  async run({ wb, workspace, screenshot, log }) {
    const rel = 'mappers/OrderMapper.xml';
    fs.mkdirSync(path.join(workspace, 'mappers'), { recursive: true });
    fs.writeFileSync(path.join(workspace, rel), MAPPER);
    try {
      // A folder made on disk shows in the explorer once the file watcher reports it; after step 53 reopened the
      // window it came late (CI: not within 30 s). Refresh the explorer first, as a person would.
      await wb.runCommand('View: Show Explorer');
      const explorer = wb.page.locator('.explorer-folders-view');
      await explorer.hover();
      await wb.see(wb.page.locator('.action-item a[aria-label="Refresh Explorer"]'), 'the explorer\'s Refresh button').then((b) => b.first().click());
      await wb.openFile(rel);
      // Other files' offset-pagination problems (the shop's products.ts, from an earlier scan) can be listed too:
      // the mapper's is the one on its OFFSET line, 8.
      // The mapper's own, scrolled into view (the list draws only the rows on screen).
      const row = await wb.problemRow('offset-pagination', /offset-pagination.*\[Ln 8, Col \d+\]/, 'the offset-pagination problem on the OFFSET line (8) of OrderMapper.xml', 60_000, 'OrderMapper.xml');
      const text = (await row.innerText()).replace(/\s+/g, ' ');
      log(`problem: ${text.slice(0, 160)}`);
      if (!/OFFSET/.test(text)) throw new StepFailure(`expected the mapper's problem to be about its OFFSET: ${text}`);
      await screenshot('mybatis-mapper');
    } finally {
      // The workspace as it was: a later step (Scan Workspace counting offset-pagination findings) has no mapper.
      await wb.runCommand('View: Close All Editors').catch(() => undefined);
      fs.rmSync(path.join(workspace, 'mappers'), { recursive: true, force: true });
    }
  },
};
