import { createHash } from 'node:crypto';

/**
 * The page a browser gets when server mode refuses it (401), in the browser's language (English or
 * Simplified Chinese, from Accept-Language), light or dark like the console. It tells the three
 * cases apart, because what to do differs: no token at all (open the printed URL), a token that
 * is not this server's (it was restarted with a new one, or copied wrong: `keel token`), or a
 * session that expired (open the URL again). Its one inline style is allowed by its hash alone.
 */
export type SignInProblem = 'missing' | 'wrong' | 'expired';

const TEXT = {
  en: {
    title: 'Keel · sign in',
    missing: {
      h: 'This console needs its access token',
      p: 'Open the address that <code>keel serve</code> printed: it ends with <code>?token=…</code>.',
    },
    wrong: {
      h: 'That access token is not this server’s',
      p: 'The token in the address does not match. The server may have been restarted with a new token, or the address was copied incompletely.',
    },
    expired: {
      h: 'Your session has ended',
      p: 'Sessions end after a while without use, and when the server restarts. Open the address with the token again.',
    },
    how: 'On the machine that runs Keel, <code>keel token</code> prints the current token, and <code>keel serve</code> prints the whole address.',
  },
  'zh-CN': {
    title: 'Keel · 登录',
    missing: {
      h: '此控制台需要访问令牌',
      p: '请打开 <code>keel serve</code> 打印的地址：它以 <code>?token=…</code> 结尾。',
    },
    wrong: {
      h: '该访问令牌不属于此服务器',
      p: '地址中的令牌不匹配。服务器可能已用新令牌重启，或地址复制不完整。',
    },
    expired: {
      h: '会话已结束',
      p: '会话在一段时间未使用后或服务器重启时结束。请再次打开带令牌的地址。',
    },
    how: '在运行 Keel 的机器上，<code>keel token</code> 会打印当前令牌，<code>keel serve</code> 会打印完整地址。',
  },
} as const;

const STYLE = `:root{color-scheme:light dark;--bg:#f6f7f9;--fg:#1b1f24;--muted:#5b6470;--card:#fff;--border:#d9dde3;--accent:#2563eb}
@media (prefers-color-scheme:dark){:root{--bg:#14171b;--fg:#e6e9ee;--muted:#9aa3ae;--card:#1d2126;--border:#333a42;--accent:#60a5fa}}
body{margin:0;min-height:100vh;display:grid;place-items:center;background:var(--bg);color:var(--fg);font:15px/1.5 system-ui,-apple-system,"Segoe UI","Microsoft YaHei","PingFang SC",sans-serif}
main{max-width:34rem;margin:1rem;padding:2rem;background:var(--card);border:1px solid var(--border);border-radius:10px}
.brand{display:flex;align-items:center;gap:.5rem;font-weight:600;margin-bottom:1rem}
.mark{display:inline-grid;place-items:center;width:1.6rem;height:1.6rem;border-radius:6px;background:var(--accent);color:#fff}
h1{font-size:1.25rem;margin:0 0 .5rem}p{margin:.5rem 0}.muted{color:var(--muted);font-size:.9rem}
code{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:.9em;padding:0 .2em;border:1px solid var(--border);border-radius:4px}`;

/** The CSP source that allows exactly this page's style. */
export const SIGN_IN_STYLE_SOURCE = `'sha256-${createHash('sha256').update(STYLE).digest('base64')}'`;

/** zh, zh-CN, zh-Hans… first in Accept-Language → Chinese; anything else → English. */
export function signInLanguage(acceptLanguage: string | undefined): keyof typeof TEXT {
  const first = (acceptLanguage ?? '').split(',')[0]?.trim().toLowerCase() ?? '';
  return first.startsWith('zh') ? 'zh-CN' : 'en';
}

export function signInPage(problem: SignInProblem, acceptLanguage: string | undefined): string {
  const lang = signInLanguage(acceptLanguage);
  const text = TEXT[lang];
  return `<!doctype html><html lang="${lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${text.title}</title><style>${STYLE}</style></head><body><main data-problem="${problem}"><div class="brand"><span class="mark" aria-hidden="true">K</span>Keel</div><h1>${text[problem].h}</h1><p>${text[problem].p}</p><p class="muted">${text.how}</p></main></body></html>`;
}
