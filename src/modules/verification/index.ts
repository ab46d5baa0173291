import type { ModuleManifest } from '../../platform/module.ts';
import * as verificationMigration from './migrations/20261123_0400_verification.ts';
import * as identityProviderMethod from './migrations/20261218_0301_verification_identity_provider.ts';
import { registerVerificationApi } from './verification.api.ts';
import { seedVerification } from './verification.demo.ts';
import { verificationErrors } from './verification.errors.ts';
import { registerVerificationPages } from './verification.pages.ts';
import { verificationPersonalData } from './verification.use-cases.ts';
import { verificationSecretKeyRotation } from './secret-key.ts';

export {
  checkEligibility,
  decideEligibility,
  importCensus,
  verifyInPerson,
  verifyWithCensus,
  verifyByIdentityProvider,
  type Eligibility,
  type EligibilityReason,
  type EligibilityRule,
  type CensusRow,
} from './verification.use-cases.ts';
export {
  findVerification,
  eligibilityFactsJson,
  type EligibilityFacts,
  type Verification,
} from './verification.repository.ts';
import type catalogue from './locales/en.json';
export { countVerifiedBetween } from './insights.repository.ts';
export { DEMO_CENSUS } from './verification.demo.ts';
export { identityHash, normaliseBirthDate, normaliseDocumentNumber } from './identity.ts';

/**
 * Verification: the levels a resident can reach (confirmed e-mail, verified resident), the census that
 * administrators import as keyed hashes, self-verification against it, in-person verification by staff,
 * and the eligibility check other modules (budgets, processes) ask before letting someone take part.
 */
export const verificationModule: ModuleManifest = {
  name: 'verification',
  apiTags: [
    {
      name: 'verification',
      description:
        'Verification of residents against the census: the import for administrators, and a resident’s own verification.',
    },
  ],
  locales: new URL('./locales/', import.meta.url),
  errors: [verificationErrors],
  migrations: {
    '20261123_0400_verification': verificationMigration,
    '20261218_0301_verification_identity_provider': identityProviderMethod,
  },
  async routes(app, ctx) {
    await registerVerificationPages(app, ctx);
    registerVerificationApi(app, ctx);
  },
  adminNavigation: [{ href: '/admin/verification', label: 'verification.admin.title', roles: ['staff'] }],
  personalData: verificationPersonalData,
  demo: { order: 25, seed: seedVerification },
  secretKeyRotation: verificationSecretKeyRotation,
};

declare module '../../platform/i18n/catalogues.ts' {
  interface ModuleCatalogues {
    verification: typeof catalogue;
  }
}
