/** CAP XML-DSig: verified with a trusted certificate, refused when changed, wrapped or signed by another key. */
import fs from 'node:fs';
import path from 'node:path';
import { SignedXml } from 'xml-crypto';
import { FakeClock } from '../../../lib/clock';
import { as, createTestHub } from '../../../testing/harness';
import type { AnnouncementsService } from '../service';
import { parseCap } from './parse';
import { checkCapSignature, loadTrustedCertificates, type TrustedCertificate } from './signature';

const SIGNING = path.join(__dirname, '..', 'testdata', 'signing');
const file = (name: string) => path.join(SIGNING, name);

const CAP_MESSAGE = `<?xml version="1.0" encoding="UTF-8"?>
<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2">
  <identifier>PREF-2026-0001</identifier>
  <sender>bousai@pref.example.jp</sender>
  <sent>2026-01-05T09:00:00+09:00</sent>
  <status>Actual</status>
  <msgType>Alert</msgType>
  <scope>Public</scope>
  <info>
    <language>ja-JP</language>
    <category>Met</category>
    <event>大雨</event>
    <urgency>Immediate</urgency>
    <severity>Extreme</severity>
    <certainty>Observed</certainty>
    <headline>大雨特別警報</headline>
    <description>命を守る行動をとってください。</description>
    <area><areaDesc>東京都三鷹市</areaDesc></area>
  </info>
</alert>`;

/** Signs a CAP message the way CAP 1.2 describes: an enveloped signature over the whole alert. */
function signCap(xml: string, key: 'trusted' | 'other', reference = { xpath: '/*', isEmptyUri: true }): string {
  const sig = new SignedXml({
    privateKey: fs.readFileSync(file(`${key}-key.pem`)),
    publicCert: fs.readFileSync(file(`${key}-cert.pem`)),
    signatureAlgorithm: 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256',
    canonicalizationAlgorithm: 'http://www.w3.org/2001/10/xml-exc-c14n#',
  });
  sig.addReference({
    ...reference,
    digestAlgorithm: 'http://www.w3.org/2001/04/xmlenc#sha256',
    transforms: ['http://www.w3.org/2000/09/xmldsig#enveloped-signature', 'http://www.w3.org/2001/10/xml-exc-c14n#'],
  });
  sig.computeSignature(xml, { location: { reference: '/*', action: 'append' } });
  return sig.getSignedXml();
}

describe('CAP signatures (XML-DSig)', () => {
  const problems: string[] = [];
  const trusted: TrustedCertificate[] = loadTrustedCertificates(file('trusted-cert.pem'), problems);

  it('loads the trusted certificate and names one it cannot read', () => {
    expect(problems).toEqual([]);
    expect(trusted[0]!.subject).toContain('CN=trusted CAP sender');
    const more: string[] = [];
    expect(loadTrustedCertificates(`${file('trusted-cert.pem')}, /nonexistent.pem`, more)).toHaveLength(1);
    expect(more[0]).toMatch(/^TSUNAGU_CAP_TRUSTED_CERTS: "\/nonexistent.pem" is not a readable PEM certificate/);
  });

  it('marks a message signed with the trusted key verified, and hands over the signed bytes', () => {
    const signed = signCap(CAP_MESSAGE, 'trusted');
    const check = checkCapSignature(signed, trusted);
    expect(check).toMatchObject({ signed: true, verified: true, by: { subject: trusted[0]!.subject } });
    if (check.signed && check.verified) {
      expect(check.signedXml).not.toContain('Signature');
      expect(parseCap(check.signedXml)).toMatchObject({
        identifier: 'PREF-2026-0001',
        sender: 'bousai@pref.example.jp',
      });
    }
  });

  it('refuses a message changed after signing', () => {
    const signed = signCap(CAP_MESSAGE, 'trusted').replace('大雨特別警報', '訓練です、避難は不要');
    expect(() => checkCapSignature(signed, trusted)).toThrow(
      expect.objectContaining({ statusCode: 400, code: 'CAP_SIGNATURE_INVALID' }),
    );
  });

  it('refuses a message signed by a key that is not trusted (whatever certificate it carries)', () => {
    expect(() => checkCapSignature(signCap(CAP_MESSAGE, 'other'), trusted)).toThrow(
      expect.objectContaining({ code: 'CAP_SIGNATURE_INVALID' }),
    );
  });

  it('refuses a signature that covers only part of the message (wrapping)', () => {
    const partial = signCap(CAP_MESSAGE, 'trusted', {
      xpath: "//*[local-name(.)='area']",
      isEmptyUri: false,
    });
    expect(() => checkCapSignature(partial, trusted)).toThrow(
      expect.objectContaining({ code: 'CAP_SIGNATURE_INVALID' }),
    );
  });

  it('refuses two signatures, or one that is not enveloped in <alert>', () => {
    const signed = signCap(CAP_MESSAGE, 'trusted');
    const signature = /<Signature[\s\S]*<\/Signature>/.exec(signed)![0];
    expect(() => checkCapSignature(signed.replace('</alert>', `${signature}</alert>`), trusted)).toThrow(
      expect.objectContaining({ code: 'CAP_SIGNATURE_INVALID' }),
    );
    expect(() =>
      checkCapSignature(signed.replace(signature, '').replace('</area>', `${signature}</area>`), trusted),
    ).toThrow(expect.objectContaining({ code: 'CAP_SIGNATURE_INVALID' }));
  });

  it('an unsigned message is not signed; a signed one with no trusted certificate configured is unverified', () => {
    expect(checkCapSignature(CAP_MESSAGE, trusted)).toEqual({ signed: false });
    expect(checkCapSignature(signCap(CAP_MESSAGE, 'trusted'), [])).toMatchObject({ signed: true, verified: false });
  });
});

describe('POST /api/cap with signatures', () => {
  const problems: string[] = [];
  const trusted = loadTrustedCertificates(file('trusted-cert.pem'), problems);
  const gateway = async (requireSignature: boolean, trustedCertificates = trusted) => {
    const hub = await createTestHub({
      clock: new FakeClock(Date.parse('2026-01-05T00:00:00Z')),
      config: { cap: { trustedCertificates, requireSignature } },
    });
    const svc = hub.capabilities.announcements as AnnouncementsService;
    const created = await hub.services.accounts.createApiKey('prefecture', 'cityhall', null);
    await svc.setSenderPolicy(created.id, { capSender: 'bousai@pref.example.jp', publish: 'auto' }, 'test');
    const post = (xml: string) =>
      as(hub, { bearer: created.key })({
        method: 'POST',
        url: '/api/cap',
        headers: { 'content-type': 'application/cap+xml' },
        payload: xml,
      });
    return { hub, post };
  };

  it('marks a signed message verified and announces it; refuses a changed one; accepts an unsigned one without the mark', async () => {
    const { hub, post } = await gateway(false);
    try {
      const ok = await post(signCap(CAP_MESSAGE, 'trusted'));
      expect(ok.statusCode).toBe(201);
      expect(ok.json()).toMatchObject({ signature: 'verified' });
      // City hall sees on the announcement whose certificate verified it.
      const svc = hub.capabilities.announcements as AnnouncementsService;
      expect((await svc.get(ok.json().announcementId)).capSignature).toEqual({
        state: 'verified',
        signedBy: expect.stringContaining('CN='),
      });
      const changed = await post(
        signCap(CAP_MESSAGE.replace('0001', '0002'), 'trusted').replace('大雨特別警報', '避難不要'),
      );
      expect(changed.statusCode).toBe(400);
      expect(changed.json().error.code).toBe('CAP_SIGNATURE_INVALID');
      const unsigned = await post(CAP_MESSAGE.replace('0001', '0003'));
      expect(unsigned.statusCode).toBe(201);
      expect(unsigned.json().signature).toBeUndefined();
      expect((await svc.get(unsigned.json().announcementId)).capSignature).toEqual({
        state: 'unsigned',
        signedBy: null,
      });
    } finally {
      await hub.close();
    }
  });

  it('with no trusted certificate configured, a signed message is announced as unverified, and shown so', async () => {
    const { hub, post } = await gateway(false, []);
    try {
      const r = await post(signCap(CAP_MESSAGE, 'trusted'));
      expect(r.statusCode).toBe(201);
      expect(r.json()).toMatchObject({ signature: 'unverified' });
      const svc = hub.capabilities.announcements as AnnouncementsService;
      expect((await svc.get(r.json().announcementId)).capSignature).toEqual({ state: 'unverified', signedBy: null });
      expect((await svc.list(10))[0]!.capSignature).toEqual({ state: 'unverified', signedBy: null });
    } finally {
      await hub.close();
    }
  });

  it('with TSUNAGU_CAP_REQUIRE_SIGNATURE refuses an unsigned message', async () => {
    const { hub, post } = await gateway(true);
    try {
      const unsigned = await post(CAP_MESSAGE);
      expect(unsigned.statusCode).toBe(403);
      expect(unsigned.json().error.code).toBe('CAP_SIGNATURE_REQUIRED');
      expect((await post(signCap(CAP_MESSAGE, 'trusted'))).statusCode).toBe(201);
    } finally {
      await hub.close();
    }
  });
});
