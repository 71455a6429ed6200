// The local OpenID provider for development and tests: two issuers on one loopback port.
//
//   node scripts/oidc-provider/server.mjs CONFIG.json
//
// CONFIG.json is written by `python -m trygd.demo.oidc` (see there): the port, and for each
// issuer its path (/idporten, /entra), clients, the audience of its access tokens, the
// assurance levels it offers and its users (the demo persons, the demo employees).
//
// It is panva's `oidc-provider` (OpenID Certified), configured like the real ones trygd meets:
//   - idporten: as ID-porten: the code flow with PKCE (S256, always required), state and nonce;
//     the ID token carries `pid`, `acr` (idporten-loa-substantial / idporten-loa-high) and
//     `locale`; a request for a higher level than the session has signs the user in again
//     (step-up); the answer carries `iss` (RFC 9207).
//   - entra: as Entra ID for NAV's employees: the ID token carries `NAVident` and `groups`.
// Signing out at either (or the session ending there) posts a logout token to trygd's
// backchannel_logout_uri (OpenID Connect Back-Channel Logout 1.0).
// Access tokens are JWTs (RFC 9068) for the configured audience, signed with the issuer's key
// (published at its jwks_uri). Sign-in is a page that lists the users: no passwords, since
// these are invented users on a developer's machine. Never expose it beyond loopback.

import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as querystring from 'node:querystring';

import Provider, { interactionPolicy } from 'oidc-provider';

const config = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
const HOST = config.host ?? '127.0.0.1';
const LEVELS = ['idporten-loa-substantial', 'idporten-loa-high'];

function escape(text) {
  return String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function signingKey() {
  const { privateKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { ...privateKey.export({ format: 'jwk' }), kid: crypto.randomUUID(), use: 'sig', alg: 'RS256' };
}

function page(title, body) {
  return `<!DOCTYPE html>
<html lang="nb"><head><meta charset="utf-8"><title>${escape(title)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>body{font-family:system-ui,sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem}
fieldset{margin:1rem 0}div{padding:.25rem 0}small{color:#555}button{font-size:1rem;padding:.5rem 1rem}</style>
</head><body><main>${body}</main></body></html>`;
}

function lowestRequested(params) {
  const wanted = String(params.acr_values ?? '').split(' ').filter((v) => LEVELS.includes(v));
  if (wanted.length === 0) return LEVELS[0];
  return wanted.sort((a, b) => LEVELS.indexOf(a) - LEVELS.indexOf(b))[0];
}

function makeProvider(spec) {
  const issuer = `http://${HOST}:${config.port}${spec.path}`;
  const users = new Map(spec.users.map((user) => [user.id, user]));
  const citizen = spec.kind === 'citizen';
  // ID-porten's `locale` is the language the person used there, which starts as the client's
  // `ui_locales`: kept per user at sign-in (a development provider: one browser at a time).
  const chosenLocale = new Map();
  const claimNames = citizen ? ['pid', 'locale', 'name'] : ['NAVident', 'name', 'groups'];

  const policy = interactionPolicy.base();
  if (citizen) {
    // ID-porten signs the user in again when the client asks for a higher level (step-up).
    policy.get('login').checks.add(new interactionPolicy.Check(
      'acr_too_low',
      'a higher level of assurance is requested',
      (ctx) => {
        const { oidc } = ctx;
        if (!oidc.session.accountId) return interactionPolicy.Check.REQUEST_PROMPT;
        const wanted = LEVELS.indexOf(lowestRequested(oidc.params));
        if (LEVELS.indexOf(oidc.session.acr) < wanted && !oidc.result?.login) {
          return interactionPolicy.Check.REQUEST_PROMPT;
        }
        return interactionPolicy.Check.NO_NEED_TO_PROMPT;
      },
    ));
  }

  const provider = new Provider(issuer, {
    clients: spec.clients.map((client) => ({
      client_id: client.client_id,
      client_secret: client.client_secret,
      redirect_uris: client.redirect_uris,
      post_logout_redirect_uris: client.post_logout_redirect_uris,
      backchannel_logout_uri: client.backchannel_logout_uri,
      backchannel_logout_session_required: client.backchannel_logout_session_required,
      grant_types: ['authorization_code'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_post',
    })),
    jwks: { keys: [signingKey()] },
    // The provider refuses to call special-use addresses (SSRF protection), loopback too; this
    // one lives on loopback beside trygd, so its back-channel logout calls to a loopback
    // trygd go without that check, and every other call keeps it.
    fetch: (url, options) => {
      if (['127.0.0.1', 'localhost', '[::1]'].includes(new URL(url).hostname)) {
        const { dispatcher: _ssrfCheck, ...rest } = options;
        return globalThis.fetch(url, rest);
      }
      return globalThis.fetch(url, options);
    },
    cookies: {
      keys: [crypto.randomBytes(32).toString('hex')],
      names: {
        session: `${spec.name}_session`,
        interaction: `${spec.name}_interaction`,
        resume: `${spec.name}_resume`,
      },
    },
    pkce: { required: () => true },
    acrValues: citizen ? LEVELS : [],
    responseTypes: ['code'],
    scopes: ['openid', 'profile'],
    claims: { acr: null, sid: null, auth_time: null, iss: null, openid: ['sub'], profile: claimNames },
    conformIdTokenClaims: false,
    findAccount: async (_ctx, id) => {
      const user = users.get(id);
      if (!user) return undefined;
      const claims = { sub: id, ...user.claims };
      if (citizen && chosenLocale.has(id)) claims.locale = chosenLocale.get(id);
      return { accountId: id, claims: async () => claims };
    },
    extraTokenClaims: async (ctx, token) => {
      // ID-porten's access tokens carry pid and acr; Entra ID's carry NAVident and groups.
      const user = users.get(token.accountId);
      if (!user) return undefined;
      const code = ctx.oidc.entities.AuthorizationCode;
      const extra = { ...user.claims };
      if (citizen && code?.acr) extra.acr = code.acr;
      return extra;
    },
    features: {
      devInteractions: { enabled: false },
      // Back-Channel Logout 1.0: ending a session here posts a logout token (with `sid`) to
      // each client's backchannel_logout_uri, so trygd ends its sessions too.
      backchannelLogout: { enabled: true },
      rpInitiatedLogout: {
        enabled: true,
        logoutSource: async (ctx, form) => {
          // As ID-porten: a sign-out asked for with the client's ID token needs no question;
          // the form goes by itself (the button is there for a browser without scripts).
          ctx.body = page('Logg ut', `<p>Logger ut av ${escape(spec.title)} …</p>${form}
<input type="hidden" name="logout" value="yes" form="op.logoutForm">
<noscript><button type="submit" form="op.logoutForm">Logg ut</button></noscript>
<script>document.getElementById('op.logoutForm').submit();</script>`);
        },
        postLogoutSuccessSource: async (ctx) => {
          ctx.body = page('Logget ut', `<h1>Du er logget ut av ${escape(spec.title)}</h1>`);
        },
      },
      resourceIndicators: {
        enabled: true,
        defaultResource: async () => spec.audience,
        useGrantedResource: async () => true,
        getResourceServerInfo: async (_ctx, resource) => {
          if (resource !== spec.audience) throw new Provider.errors.InvalidTarget();
          return {
            scope: 'openid profile',
            audience: spec.audience,
            accessTokenTTL: 3600,
            accessTokenFormat: 'jwt',
            jwt: { sign: { alg: 'RS256' } },
          };
        },
      },
    },
    interactions: {
      policy,
      url: (_ctx, interaction) => `${spec.path}/interaction/${interaction.uid}`,
    },
    loadExistingGrant: async (ctx) => {
      // First-party clients: no consent page; the grant covers the profile and the API.
      const { oidc } = ctx;
      const grantId = oidc.result?.consent?.grantId || oidc.session.grantIdFor(oidc.client.clientId);
      if (grantId) {
        const existing = await oidc.provider.Grant.find(grantId);
        if (existing) return existing;
      }
      const grant = new oidc.provider.Grant({ clientId: oidc.client.clientId, accountId: oidc.session.accountId });
      grant.addOIDCScope('openid profile');
      grant.addResourceScope(spec.audience, 'openid profile');
      await grant.save();
      return grant;
    },
    ttl: { Session: 8 * 3600, Interaction: 600, Grant: 8 * 3600, IdToken: 3600, AccessToken: 3600, AuthorizationCode: 60 },
    renderError: async (ctx, out) => {
      ctx.type = 'html';
      ctx.body = page('Feil', `<h1>Feil</h1><p>${escape(out.error)}: ${escape(out.error_description ?? '')}</p>`);
    },
  });

  async function readForm(req) {
    let body = '';
    for await (const chunk of req) body += chunk;
    return querystring.parse(body);
  }

  // The sign-in page: choose a user (and, on ID-porten, a level).
  provider.use(async (ctx, next) => {
    const match = /^\/interaction\/([\w-]+)$/.exec(ctx.path);
    if (!match) return next();
    const details = await provider.interactionDetails(ctx.req, ctx.res);
    if (ctx.method === 'GET') {
      const lowest = LEVELS.indexOf(lowestRequested(details.params));
      const levels = citizen
        ? `<fieldset><legend>Sikkerhetsnivå</legend>${LEVELS.slice(lowest).map((level, index) => `
<div><label><input type="radio" name="acr" value="${level}"${index === 0 ? ' checked' : ''}> ${
  level === 'idporten-loa-high' ? 'Høyt (idporten-loa-high)' : 'Betydelig (idporten-loa-substantial)'}</label></div>`).join('')}</fieldset>`
        : '';
      const options = spec.users.map((user) => `
<div><label><input type="radio" name="user" value="${escape(user.id)}" required> ${escape(user.label)}</label>${
  user.hint ? ` <small>${escape(user.hint)}</small>` : ''}</div>`).join('');
      ctx.type = 'html';
      ctx.body = page(spec.title, `<h1>${escape(spec.title)}</h1>
<p>Lokal OpenID-tilbyder for utvikling: velg hvem du logger inn som.</p>
<form method="post" action="${spec.path}/interaction/${details.uid}">
<fieldset><legend>Bruker</legend>${options}</fieldset>${levels}
<button type="submit">Logg inn</button></form>`);
      return undefined;
    }
    if (ctx.method !== 'POST') return next();
    const form = await readForm(ctx.req);
    const user = users.get(String(form.user ?? ''));
    if (!user) {
      ctx.status = 400;
      ctx.type = 'html';
      ctx.body = page('Feil', '<h1>Velg en bruker</h1>');
      return undefined;
    }
    const login = { accountId: user.id, amr: ['pwd'] };
    if (citizen) {
      const acr = String(form.acr ?? '');
      if (LEVELS.indexOf(acr) < LEVELS.indexOf(lowestRequested(details.params))) {
        ctx.status = 400;
        ctx.type = 'html';
        ctx.body = page('Feil', '<h1>Velg et sikkerhetsnivå som tjenesten krever</h1>');
        return undefined;
      }
      login.acr = acr;
      const locale = String(details.params.ui_locales ?? '').split(' ')[0];
      if (['nb', 'nn', 'en', 'se'].includes(locale)) chosenLocale.set(user.id, locale);
    }
    await provider.interactionFinished(ctx.req, ctx.res, { login }, { mergeWithLastSubmission: false });
    ctx.respond = false;
    return undefined;
  });
  provider.on('server_error', (_ctx, error) => console.error(error));
  provider.on('backchannel.error', (_ctx, error, client) => {
    console.error(`back-channel logout to ${client.backchannelLogoutUri} failed: ${error.message} ${error.cause ?? ""}`);
  });
  return { path: spec.path, handler: provider.callback() };
}

const mounted = config.issuers.map(makeProvider);

const server = http.createServer((req, res) => {
  const found = mounted.find(({ path }) => req.url === path || req.url.startsWith(`${path}/`)
    || req.url.startsWith(`${path}?`));
  if (!found) {
    res.statusCode = 404;
    res.end('not found');
    return;
  }
  // Mounted under its path, as Express would: the provider sees the rest of the URL.
  req.originalUrl = req.url;
  req.url = req.url.slice(found.path.length) || '/';
  found.handler(req, res);
});
server.listen(config.port, HOST, () => {
  console.log(`OpenID provider on http://${HOST}:${config.port} (${config.issuers.map((i) => i.path).join(', ')})`);
});
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => server.close(() => process.exit(0)));
