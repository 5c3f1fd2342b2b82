/**
 * Synonym groups for the offline embedder: words and phrases that mean the
 * same thing in requirement documents (product, account, quality and
 * operations vocabulary). A text containing any member gets the group's
 * concept as an extra feature, so "basket" and "cart" land near each other.
 * A learned embedding model (the OpenAI-compatible embedder) needs none of
 * this; the offline embedder has no other source of synonyms.
 *
 * Members are matched on stemmed words (see `stem`), phrases word by word.
 *
 * @module
 */
export const SYNONYM_GROUPS: readonly (readonly string[])[] = [
  // commerce
  ['cart', 'basket', 'shopping bag'],
  ['coupon', 'promo', 'promo code', 'voucher', 'discount code', 'promotion code'],
  ['customer', 'shopper', 'buyer', 'purchaser', 'client'],
  ['product', 'item', 'article', 'goods', 'merchandise', 'sku'],
  ['order', 'purchase', 'buy'],
  ['checkout', 'check out', 'place order', 'pay'],
  ['refund', 'money back', 'reimburse', 'reimbursement', 'repay'],
  ['return', 'send back', 'sent back'],
  ['shipping', 'delivery', 'deliver', 'dispatch', 'postage'],
  ['free', 'no charge', 'free of charge', 'complimentary', 'without cost'],
  ['price', 'cost', 'fee', 'charge'],
  ['review', 'rating', 'feedback'],
  ['decline', 'reject', 'refuse', 'deny'],
  // accounts and security
  ['sign in', 'log in', 'login', 'logon', 'signin', 'authenticate', 'logged in', 'signed in'],
  ['sign out', 'log out', 'logout', 'signout', 'logged out', 'signed out'],
  ['register', 'sign up', 'signup', 'create account', 'registration', 'enrol', 'enroll'],
  ['password', 'passphrase', 'credential', 'passcode'],
  [
    'two factor',
    'second factor',
    'multi factor',
    '2fa',
    'mfa',
    'authenticator',
    'security key',
    'hardware token',
    'totp',
    'webauthn',
    'one time code',
  ],
  ['lock', 'lockout', 'locked', 'block', 'blocked', 'suspend', 'suspended', 'disable'],
  ['unlock', 'unblock', 'reinstate', 'reactivate', 'lift'],
  ['admin', 'administrator', 'moderator', 'superuser'],
  ['delete', 'remove', 'erase', 'purge', 'destroy', 'wipe'],
  ['organization', 'company', 'tenant', 'workspace', 'team account'],
  ['permission', 'role', 'access right', 'privilege', 'allowed'],
  ['session', 'logged on'],
  ['idle', 'inactivity', 'inactive', 'no activity'],
  ['expire', 'expiry', 'expiration', 'valid until', 'lifetime', 'time out', 'timeout'],
  ['email', 'e mail', 'mail', 'message'],
  ['personal data', 'personal information', 'user data', 'everything we store'],
  ['export', 'download', 'copy of', 'take out'],
  ['audit', 'audit trail', 'activity log'],
  // quality
  ['test', 'testing', 'qa', 'quality assurance', 'verification'],
  ['environment', 'staging', 'test system', 'sandbox'],
  ['defect', 'bug', 'issue', 'fault'],
  ['accessibility', 'a11y', 'wcag', 'screen reader', 'assistive'],
  ['keyboard', 'without a mouse', 'keyboard only'],
  ['release', 'go live', 'launch', 'ship it', 'rollout', 'roll out', 'ships'],
  ['regression', 'automated test suite', 'test suite'],
  ['browser', 'chrome', 'firefox', 'safari', 'edge'],
  ['performance', 'latency', 'slow', 'fast', 'speed', 'load time', 'response time', 'quick'],
  ['mobile', 'phone', 'smartphone', 'cellular', '4g', '5g', 'tablet'],
  ['page', 'screen', 'view'],
  // operations
  ['deploy', 'deployment', 'deliver to production', 'release to production'],
  ['backup', 'back up', 'snapshot', 'copy of the database'],
  ['restore', 'recover', 'recovery', 'rehearse'],
  ['outage', 'incident', 'downtime', 'failure', 'goes down'],
  ['on call', 'on-call', 'pager', 'duty engineer'],
  ['alert', 'alarm', 'page', 'notify'],
  ['region', 'data centre', 'data center', 'availability zone'],
  ['rotate', 'rotation', 'renew', 'replace'],
  ['secret', 'api key', 'token', 'password'],
  ['retention', 'kept', 'keep', 'retain', 'stored for', 'how long'],
  ['scale', 'scaling', 'autoscale', 'capacity'],
];
