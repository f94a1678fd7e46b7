import { Module } from '@nestjs/common';
import { ConferencesModule } from '../conferences/conferences.module.js';
import { CharterRegistry } from './charter-registry.js';
import { PublishCharterController, PublishCharterHandler } from './publish-charter/publish-charter.js';
import { GetCharterController, GetCharterHandler } from './get-charter/get-charter.js';
import { SignCharterController, SignCharterHandler } from './sign-charter/sign-charter.js';
import { VoidSignatureController, VoidSignatureHandler } from './void-signature/void-signature.js';
import { CloseCharterController, CloseCharterHandler } from './close-charter/close-charter.js';
import { VerifyCharterController, VerifyCharterHandler } from './verify-charter/verify-charter.js';
import { CharterDocumentController, CharterDocumentHandler } from './charter-document/charter-document.js';
import { ListSignatoriesController, ListSignatoriesHandler } from './list-signatories/list-signatories.js';
import { ListChartersController, ListChartersHandler } from './list-charters/list-charters.js';
import { CharterSealController, CharterSealKeys } from './charter-seal/charter-seal.js';
import { ReceiptController, ReceiptHandler } from './receipt/receipt.js';

/**
 * The charter: publishing, signing on a tablet, voiding, closing, verifying
 * the chain and the signed PDF. Signers are checked against the registry and
 * their ticket's stream, hence ConferencesModule.
 */
@Module({
  imports: [ConferencesModule],
  controllers: [
    PublishCharterController,
    ListChartersController,
    ListSignatoriesController,
    VerifyCharterController,
    CharterDocumentController,
    GetCharterController,
    SignCharterController,
    VoidSignatureController,
    CloseCharterController,
    CharterSealController,
    ReceiptController,
  ],
  providers: [
    CharterRegistry,
    PublishCharterHandler,
    GetCharterHandler,
    SignCharterHandler,
    VoidSignatureHandler,
    CloseCharterHandler,
    VerifyCharterHandler,
    CharterDocumentHandler,
    ListSignatoriesHandler,
    ListChartersHandler,
    CharterSealKeys,
    ReceiptHandler,
  ],
  exports: [CharterRegistry],
})
export class CharterModule {}
