import { useTranslation } from 'react-i18next';
import { Dialog } from '../components/Dialog';
import { ROUTE_IDS } from './router';
import { GO_KEYS } from './shortcuts';

/** Every shortcut: the `g` pages come from the same table the key handler reads, in nav order. */
export function ShortcutsDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  const { t } = useTranslation();
  const go = Object.entries(GO_KEYS).sort(
    ([, a], [, b]) => ROUTE_IDS.indexOf(a) - ROUTE_IDS.indexOf(b),
  );
  const rows: Array<[string[], string]> = [
    ...go.map(([key, route]): [string[], string] => [
      ['g', key],
      t('shortcuts.goTo', { page: t(`nav.${route}`) }),
    ]),
    [['r'], t('shortcuts.refresh')],
    [['/'], t('shortcuts.search')],
    [['n'], t('shortcuts.newTenant')],
    [['?'], t('shortcuts.help')],
    [['Esc'], t('shortcuts.close')],
  ];
  return (
    <Dialog
      open={open}
      onClose={onClose}
      title={t('shortcuts.title')}
      size="sm"
      closeOnBackdrop
      testId="shortcuts-dialog"
    >
      <table className="table shortcuts">
        <caption className="sr-only">{t('shortcuts.title')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('shortcuts.keys')}</th>
            <th scope="col">{t('shortcuts.action')}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map(([keys, label]) => (
            <tr key={keys.join('+')}>
              <td>
                {keys.map((k, i) => (
                  <span key={k}>
                    {i > 0 && <span className="muted"> {t('shortcuts.then')} </span>}
                    <kbd>{k}</kbd>
                  </span>
                ))}
              </td>
              <td>{label}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </Dialog>
  );
}
