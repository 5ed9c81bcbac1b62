/**
 * Kinds seen on the tenth session's held-out apps (issue 14, held-out-o: a Spring Data JPA shop with a
 * generic CRUD service layer, a Django app, a Sequelize + GraphQL API), one small synthetic fixture per kind.
 */
import { strict as assert } from 'node:assert';
import { detectWithLines, expectNPlusOne, expectNPlusOneInScan } from '../../support/nplusoneFixtures';
import { textOf } from '../../support/code';

const base = 'src/main/java/com/acme/shop';

/** A generic CRUD service every service of the app extends, over Spring Data's JpaRepository. */
const genericService = {
  path: `${base}/services/common/GenericEntityServiceImpl.java`,
  text: [
    'package com.acme.shop.services.common;',
    '',
    'import org.springframework.data.jpa.repository.JpaRepository;',
    '',
    'public abstract class GenericEntityServiceImpl<K, E> implements GenericEntityService<K, E> {',
    '  private JpaRepository<E, K> repository;',
    '',
    '  public GenericEntityServiceImpl(JpaRepository<E, K> repository) {',
    '    this.repository = repository;',
    '  }',
    '',
    '  public E getById(K id) {',
    '    return repository.getOne(id);',
    '  }',
    '',
    '  public void save(E entity) {',
    '    repository.saveAndFlush(entity);',
    '  }',
    '',
    '  public void update(E entity) {',
    '    save(entity);',
    '  }',
    '',
    '  public void delete(E entity) {',
    '    repository.delete(entity);',
    '  }',
    '}',
    '',
  ],
};

const reviewService = {
  path: `${base}/services/review/ReviewServiceImpl.java`,
  text: [
    'package com.acme.shop.services.review;',
    '',
    'import com.acme.shop.services.common.GenericEntityServiceImpl;',
    '',
    'public class ReviewServiceImpl extends GenericEntityServiceImpl<Long, Review> implements ReviewService {',
    '  private final ReviewRepository reviewRepository;',
    '',
    '  public ReviewServiceImpl(ReviewRepository reviewRepository) {',
    '    super(reviewRepository);',
    '    this.reviewRepository = reviewRepository;',
    '  }',
    '',
    '  public List<Review> listByProduct(Product product) {',
    '    return reviewRepository.findByProductId(product.getId());',
    '  }',
    '}',
    '',
  ],
};

const productService = {
  path: `${base}/services/product/ProductServiceImpl.java`,
  text: [
    'package com.acme.shop.services.product;',
    '',
    'import com.acme.shop.services.common.GenericEntityServiceImpl;',
    '',
    'public class ProductServiceImpl extends GenericEntityServiceImpl<Long, Product> implements ProductService {',
    '  private final ProductRepository productRepository;',
    '  private ReviewService reviewService;',
    '',
    '  public ProductServiceImpl(ProductRepository productRepository) {',
    '    super(productRepository);',
    '    this.productRepository = productRepository;',
    '  }',
    '',
    '  public void removeProduct(Product product) {',
    '    List<Review> reviews = reviewService.listByProduct(product);',
    '    for (Review review : reviews) {',
    '      reviewService.delete(review);',
    '    }',
    '  }',
    '',
    '  public void decrementStock(Order order) {',
    '    for (OrderLine line : order.getLines()) {',
    '      Product product = this.getById(line.getProductId());',
    '      product.setQuantity(product.getQuantity() - line.getQuantity());',
    '    }',
    '  }',
    '}',
    '',
  ],
};

describe('core/nplusone kinds seen on held-out-o', () => {
  it('Java: a CRUD method a service inherits from the app\'s generic base service (`reviewService.delete(r)`, `categoryService.getById(id)`) reaches the repository; so does the base method called on `this`', async () => {
    const category = {
      path: `${base}/services/category/CategoryServiceImpl.java`,
      text: [
        'package com.acme.shop.services.category;',
        '',
        'import com.acme.shop.services.product.ProductService;',
        '',
        'public class CategoryServiceImpl implements CategoryService {',
        '  private ProductService productService;',
        '',
        '  public void detachProducts(List<Product> products) {',
        '    for (Product product : products) {',
        '      Product dbProduct = productService.getById(product.getId());',
        '      dbProduct.setCategory(null);',
        '    }',
        '  }',
        '}',
        '',
      ],
    };
    const iface = { path: `${base}/services/product/ProductService.java`, text: ['package com.acme.shop.services.product;', '', 'public interface ProductService extends GenericEntityService<Long, Product> {', '  void removeProduct(Product product);', '}', ''] };
    const reviewIface = { path: `${base}/services/review/ReviewService.java`, text: ['package com.acme.shop.services.review;', '', 'public interface ReviewService extends GenericEntityService<Long, Review> {', '  List<Review> listByProduct(Product product);', '}', ''] };
    await expectNPlusOneInScan([genericService, reviewService, productService, iface, reviewIface, category], [`${base}/services/category/CategoryServiceImpl.java:10`, `${base}/services/product/ProductServiceImpl.java:17`, `${base}/services/product/ProductServiceImpl.java:23`]);
  });

  it('Java: a method the app caches (`@Cacheable`) queries once per distinct key, not once per item; a caller that only reaches it does not query either', async () => {
    const language = {
      path: `${base}/services/reference/LanguageServiceImpl.java`,
      text: [
        'package com.acme.shop.services.reference;',
        '',
        'import org.springframework.cache.annotation.Cacheable;',
        '',
        'public class LanguageServiceImpl implements LanguageService {',
        '  private final LanguageRepository languageRepository;',
        '',
        '  @Override',
        '  @Cacheable("languageByCode")',
        '  public Language getByCode(String code) {',
        '    return languageRepository.findByCode(code);',
        '  }',
        '',
        '  public Language findLanguage(String code) {',
        '    return languageRepository.findByCode(code);',
        '  }',
        '}',
        '',
      ],
    };
    const mapper = {
      path: `${base}/mapper/ProductMapper.java`,
      text: [
        'package com.acme.shop.mapper;',
        '',
        'public class ProductMapper {',
        '  private LanguageService languageService;',
        '',
        '  private Description description(DescriptionDto dto) {',
        '    Description d = new Description();',
        '    d.setLanguage(languageService.getByCode(dto.getLanguage()));',
        '    return d;',
        '  }',
        '',
        '  public Product toEntity(ProductDto dto) {',
        '    Product p = new Product();',
        '    for (DescriptionDto d : dto.getDescriptions()) {',
        '      p.getDescriptions().add(description(d));',
        '      Language lang = languageService.getByCode(d.getLanguage());',
        '      Language again = languageService.findLanguage(d.getLanguage());',
        '    }',
        '    return p;',
        '  }',
        '}',
        '',
      ],
    };
    await expectNPlusOneInScan([language, mapper], [`${base}/mapper/ProductMapper.java:17`]);
  });

  it('Java: a method of another parameter count (`option.getCode()` on an entity vs a service\'s `getCode(store, code)`), or an overload of the same count, is not the call; the overload of the call\'s count decides', async () => {
    const optionSet = {
      path: `${base}/services/option/ProductOptionSetServiceImpl.java`,
      text: [
        'package com.acme.shop.services.option;',
        '',
        'public class ProductOptionSetServiceImpl implements ProductOptionSetService {',
        '  private final ProductOptionSetRepository productOptionSetRepository;',
        '',
        '  public ProductOptionSet getCode(String code) {',
        '    return new ProductOptionSet(code);',
        '  }',
        '',
        '  public ProductOptionSet getCode(Store store, String code) {',
        '    return productOptionSetRepository.findByCode(store.getId(), code);',
        '  }',
        '}',
        '',
      ],
    };
    const facade = {
      path: `${base}/facade/PaymentFacadeImpl.java`,
      text: [
        'package com.acme.shop.facade;',
        '',
        'public class PaymentFacadeImpl {',
        '  private PaymentService paymentService;',
        '  private ProductOptionSetService productOptionSetService;',
        '',
        '  public List<Config> configurations(Store store, List<ProductOption> options) {',
        '    List<Config> out = new ArrayList<>();',
        '    for (ProductOption option : options) {',
        '      String code = option.getCode();',
        '      ProductOptionSet set = productOptionSetService.getCode(store, code);',
        '    }',
        '    for (Method m : paymentService.getAcceptedPaymentMethods(store)) {',
        '      out.add(configuration(m.getInformations(), store));',
        '    }',
        '    return out;',
        '  }',
        '',
        '  public Config configuration(String module, Store store) {',
        '    List<Method> methods = paymentService.getAcceptedPaymentMethods(store);',
        '    return null;',
        '  }',
        '',
        '  private Config configuration(Integration source, Store store) {',
        '    return new Config(source.getCode());',
        '  }',
        '}',
        '',
      ],
    };
    const payment = {
      path: `${base}/services/payment/PaymentServiceImpl.java`,
      text: [
        'package com.acme.shop.services.payment;',
        '',
        'public class PaymentServiceImpl implements PaymentService {',
        '  private final PaymentRepository paymentRepository;',
        '',
        '  public List<Method> getAcceptedPaymentMethods(Store store) {',
        '    return paymentRepository.findByStore(store.getId());',
        '  }',
        '}',
        '',
      ],
    };
    // The service's two-argument overload queries (its one-argument one, defined first, does not).
    await expectNPlusOneInScan([optionSet, facade, payment], [`${base}/facade/PaymentFacadeImpl.java:11`]);
  });

  it('TS: a curried resolver factory (`(feature) => async (collective, args, req) => { … }`) builds a resolver; calling it per item runs no query', async () => {
    const features = {
      path: 'server/graphql/common/features.ts',
      text: [
        'import { Collective } from "../../models";',
        '',
        'export const getFeatureStatusResolver =',
        '  (feature: string) =>',
        '  async (collective, _, req) => {',
        '    const host = await Collective.findByPk(collective.HostCollectiveId);',
        '    return host?.settings?.features?.[feature] ? "ACTIVE" : "DISABLED";',
        '  };',
        '',
        'export const loadFeatureStatus = async (collective, feature: string) => {',
        '  const row = await Collective.findOne({ where: { ParentCollectiveId: collective.id, slug: feature } });',
        '  return row?.settings?.status;',
        '};',
        '',
      ],
    };
    const schema = {
      path: 'server/graphql/v2/object/CollectiveFeatures.ts',
      text: [
        'import { getFeatureStatusResolver, loadFeatureStatus } from "../../common/features";',
        '',
        'export const buildFields = (list: string[]) => {',
        '  const fields = {};',
        '  for (const feature of list) {',
        '    fields[feature] = { type: GraphQLString, resolve: getFeatureStatusResolver(feature) };',
        '  }',
        '  return fields;',
        '};',
        '',
        'export async function statuses(collective, list: string[]) {',
        '  const out = [];',
        '  for (const feature of list) {',
        '    out.push(await loadFeatureStatus(collective, feature));',
        '  }',
        '  return out;',
        '}',
        '',
      ],
    };
    await expectNPlusOneInScan([features, schema], ['server/graphql/v2/object/CollectiveFeatures.ts:14']);
  });

  it('JS: a getter of a built-in object (`point.date.getTime()`) in a Sequelize file is not a lazy association getter; `expense.getRecurringExpense()` is', async () => {
    await expectNPlusOne(
      [
        'const { Op } = require("sequelize");',
        '',
        'async function merge(points, expenses) {',
        '  for (const point of points) {',
        '    const existing = points.find(({ date }) => point.date.getTime() === date.getTime());',
        '  }',
        '  for (const expense of expenses) {',
        '    const recurring = await expense.getRecurringExpense();',
        '  }',
        '}',
      ],
      'server/lib/host-metrics.js',
      [8],
    );
  });

  it('Python/TS: a loop over administrators (`for admin in User.admins()`, `for (const admin of admins)`) is a possible N+1 (`info`, said in the message); a loop over followers stays a warning', async () => {
    const found = await detectWithLines(
      textOf([
        'from django.db import models',
        'from bookwyrm.models import Notification, User',
        '',
        'def notify_admins_on_report(instance):',
        '    for admin in User.admins():',
        '        Notification.objects.get_or_create(user=admin, notification_type="REPORT", read=False)',
        '',
        'def notify_followers(user):',
        '    for follower in user.followers.all():',
        '        Notification.objects.get_or_create(user=follower, notification_type="MOVE", read=False)',
        '',
      ]),
      'bookwyrm/models/notification.py',
    );
    assert.deepEqual(found.map((f) => [f.line, f.finding.severity]), [[6, 'info'], [10, 'warning']]);
    assert.match(found[0].finding.message, /^Possible N\+1, over administrators/);
    const ts = await detectWithLines(
      textOf([
        'import { Notification } from "../models";',
        '',
        'export async function notifyAdmins(collective, activity) {',
        '  const admins = await collective.getAdminUsers();',
        '  for (const admin of admins) {',
        '    await Notification.create({ UserId: admin.id, ActivityId: activity.id });',
        '  }',
        '}',
      ]),
      'server/lib/notifications.ts',
    );
    assert.deepEqual(ts.map((f) => [f.line, f.finding.severity]), [[6, 'info']]);
  });
});
