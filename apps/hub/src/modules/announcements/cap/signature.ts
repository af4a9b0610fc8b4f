/**
 * CAP signatures (XML-DSig, enveloped, as CAP 1.2 §3.3.2.1 allows): a message signed with a key of
 * a configured trusted certificate is marked verified, and only the bytes the signature covers are
 * used from then on (no signature wrapping); a signature that does not verify is refused. The
 * verification itself is xml-crypto's. DTDs were refused before this runs.
 */
import { X509Certificate } from 'node:crypto';
import fs from 'node:fs';
import { DOMParser } from '@xmldom/xmldom';
import { SignedXml } from 'xml-crypto';
import { CapError } from './model';

const DSIG_NS = 'http://www.w3.org/2000/09/xmldsig#';

export interface TrustedCertificate {
  pem: string;
  /** For the record: whose certificate it is. */
  subject: string;
  fingerprint256: string;
}

export type SignatureCheck =
  | { signed: false }
  | { signed: true; verified: false; reason: string }
  | { signed: true; verified: true; by: TrustedCertificate; signedXml: string };

/** Reads TSUNAGU_CAP_TRUSTED_CERTS (PEM files, comma-separated); problems are named, not thrown. */
export function loadTrustedCertificates(value: string | undefined, problems: string[]): TrustedCertificate[] {
  const files = (value ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  return files.flatMap((file) => {
    try {
      const pem = fs.readFileSync(file, 'utf8');
      const cert = new X509Certificate(pem);
      return [{ pem, subject: cert.subject.replace(/\n/g, ', '), fingerprint256: cert.fingerprint256 }];
    } catch (err) {
      problems.push(
        `TSUNAGU_CAP_TRUSTED_CERTS: "${file}" is not a readable PEM certificate (${(err as Error).message})`,
      );
      return [];
    }
  });
}

const refuse = (message: string, detail: string) =>
  new CapError(400, 'CAP_SIGNATURE_INVALID', message, [{ path: 'alert.Signature', message: detail }]);

/** Checks the message's signature against the trusted certificates. Throws CapError when it does not verify. */
export function checkCapSignature(xml: string, trusted: readonly TrustedCertificate[]): SignatureCheck {
  const doc = new DOMParser({ errorHandler: () => undefined }).parseFromString(xml, 'text/xml');
  const root = doc.documentElement;
  const signatures = root ? Array.from(doc.getElementsByTagNameNS(DSIG_NS, 'Signature')) : [];
  if (signatures.length === 0) return { signed: false };
  if (signatures.length > 1)
    throw refuse('A CAP message may carry one signature only.', `${signatures.length} Signature elements`);
  const signature = signatures[0]!;
  // Enveloped in <alert> itself, signing the whole message (CAP 1.2 §3.3.2.1).
  if (signature.parentNode !== root)
    throw refuse('The signature must be a direct child of <alert>.', 'Signature is not a child of the root element');
  if (trusted.length === 0)
    return {
      signed: true,
      verified: false,
      reason: 'no trusted certificate is configured (TSUNAGU_CAP_TRUSTED_CERTS)',
    };
  for (const cert of trusted) {
    // The key comes from configuration only, never from the message's own KeyInfo.
    const sig = new SignedXml({ publicCert: cert.pem, getCertFromKeyInfo: () => null });
    sig.loadSignature(signature);
    let valid = false;
    try {
      valid = sig.checkSignature(xml);
    } catch {
      valid = false;
    }
    if (!valid) continue;
    const references = sig.getReferences();
    const signed = sig.getSignedReferences();
    if (references.length !== 1 || references[0]!.uri !== '' || signed.length !== 1)
      throw refuse(
        'The signature must cover the whole message (one Reference with URI="").',
        'the signed references do not cover the whole alert',
      );
    return { signed: true, verified: true, by: cert, signedXml: signed[0]! };
  }
  throw refuse(
    'The signature does not verify with a trusted certificate: the message was changed after signing, or it was signed by someone else.',
    'no trusted certificate verifies this signature',
  );
}
