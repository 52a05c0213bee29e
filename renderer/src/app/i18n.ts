import i18n from 'i18next';
import { initReactI18next } from 'react-i18next';
import { LANGUAGES, type Language } from '@shared/models/prefs';
import en from '../locales/en.json';
import zhCN from '../locales/zh-CN.json';

declare module 'i18next' {
  interface CustomTypeOptions {
    defaultNS: 'translation';
    resources: { translation: typeof en };
  }
}

const CACHE_KEY = 'keel.language';

/** The language before prefs arrive: last used on this machine, else the system's. */
export function initialLanguage(): Language {
  const cached = safeStorageGet(CACHE_KEY);
  if (cached && (LANGUAGES as readonly string[]).includes(cached)) return cached as Language;
  return systemLanguage();
}

/** The operating system's (browser's) language, as one Keel speaks. */
export function systemLanguage(): Language {
  return matchLanguage(navigator.languages.length > 0 ? navigator.languages : [navigator.language]);
}

/** zh, zh-CN, zh-Hans-* → zh-CN; anything else → en. */
export function matchLanguage(tags: readonly string[]): Language {
  for (const tag of tags) {
    const lower = tag.toLowerCase();
    if (lower.startsWith('zh')) return 'zh-CN';
    if (lower.startsWith('en')) return 'en';
  }
  return 'en';
}

export async function setLanguage(lang: Language): Promise<void> {
  safeStorageSet(CACHE_KEY, lang);
  document.documentElement.lang = lang;
  if (i18n.language !== lang) await i18n.changeLanguage(lang);
}

export function setupI18n(): typeof i18n {
  const lng = initialLanguage();
  document.documentElement.lang = lng;
  void i18n.use(initReactI18next).init({
    resources: { en: { translation: en }, 'zh-CN': { translation: zhCN } },
    lng,
    fallbackLng: 'en',
    supportedLngs: [...LANGUAGES],
    interpolation: { escapeValue: false },
    returnNull: false,
    initAsync: false,
  });
  return i18n;
}

export function safeStorageGet(key: string): string | null {
  try {
    return localStorage.getItem(key);
  } catch {
    return null;
  }
}

export function safeStorageSet(key: string, value: string): void {
  try {
    localStorage.setItem(key, value);
  } catch {
    // Storage may be disabled; the cache only avoids a flash on start.
  }
}
