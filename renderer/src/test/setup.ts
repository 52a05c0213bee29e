// Component tests: the app's i18n (English, so assertions read like the screen) and a clean DOM
// after each test (Testing Library unmounts what it rendered).
import { cleanup } from '@testing-library/react';
import { afterEach } from 'vitest';
import i18n from 'i18next';
import { setupI18n } from '../app/i18n';

setupI18n();
void i18n.changeLanguage('en');
afterEach(() => cleanup());
