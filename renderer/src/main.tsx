// The global styles load first: each feature's own stylesheet (imported beside its page) comes
// after them in the cascade.
import './styles/tokens.css';
import './styles/base.css';
import './styles/components.css';
import './styles/pages.css';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app/App';
import { setupI18n } from './app/i18n';
import { applyTheme, cachedTheme } from './app/theme';

// Paint in the last-used theme and language; prefs replace both once they arrive.
applyTheme(cachedTheme());
setupI18n();

const root = document.getElementById('root');
if (!root) throw new Error('#root is missing from index.html');
createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
