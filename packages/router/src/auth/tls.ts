/**
 * `tls`: authentication by the client certificate of the TLS connection, decided at HELLO
 * with no challenge (Crossbar.io's WAMP-TLS). The endpoint asks for a certificate when it
 * has `ca_certificates`; a certificate that does not chain to them, or has expired, is
 * refused here with the reason, as a clean ABORT rather than a failed TLS handshake.
 * Static principals name the certificate by its SHA-1 fingerprint; a dynamic
 * authenticator gets it in `details.transport.client_cert`.
 * @module
 */
import { WampErrors } from '@cdc/protocol';
import { normalizeFingerprint } from '@cdc/cryptosign';
import { assignPrincipal, deny } from './principal.js';
import type { RealmDirectory } from './principal.js';
import { authDetails, callAuthenticator, isAuthResult, isDynamic } from './dynamic.js';
import type { InternalCaller } from './dynamic.js';
import type { AuthConfig, AuthMethodHandler, AuthResult, HelloContext } from './types.js';

export function tlsHandler(
  cfg: NonNullable<AuthConfig['tls']>,
  dir: RealmDirectory,
  caller: InternalCaller,
): AuthMethodHandler {
  // Fingerprint → authid, built once.
  const byFingerprint = new Map<string, string>();
  if (!isDynamic(cfg)) {
    for (const [authid, p] of Object.entries(cfg.principals)) {
      const fp = normalizeFingerprint(p['certificate-sha1']);
      if (fp !== undefined) byFingerprint.set(fp, authid);
    }
  }
  return {
    method: 'tls',
    hello(ctx: HelloContext): AuthResult | Promise<AuthResult> {
      const cert = ctx.transport.clientCert;
      if (!ctx.transport.tls) {
        return deny(WampErrors.NOT_AUTHORIZED, 'tls authentication needs a TLS transport');
      }
      if (cert === undefined) {
        return deny(WampErrors.NOT_AUTHORIZED, 'TLS client certificate required');
      }
      if (!cert.authorized) {
        return deny(
          WampErrors.AUTHENTICATION_FAILED,
          `the TLS client certificate is not accepted: ${cert.authorization_error ?? 'not trusted'}`,
        );
      }
      if (isDynamic(cfg)) {
        const details = authDetails(ctx, 'tls');
        details['transport'] = { ...(details['transport'] as object), client_cert: cert };
        return callAuthenticator(caller, cfg, ctx, details).then((res) =>
          isAuthResult(res) ? res : assignPrincipal(dir, ctx, res, 'tls', 'dynamic'),
        );
      }
      const authid = byFingerprint.get(normalizeFingerprint(cert.sha1) ?? '');
      const p = authid === undefined ? undefined : cfg.principals[authid];
      if (authid === undefined || p === undefined) {
        return deny(
          WampErrors.NO_SUCH_PRINCIPAL,
          `no principal has the client certificate ${cert.sha1}`,
        );
      }
      // The certificate names the principal: the client's authid, if any, is overridden.
      return assignPrincipal(
        dir,
        ctx,
        { role: p.role, authid, ...(p.realm !== undefined ? { realm: p.realm } : {}) },
        'tls',
        'static',
      );
    },
  };
}
