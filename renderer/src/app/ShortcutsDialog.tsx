import { useTranslation } from 'react-i18next';
import { Dialog } from '../components/Dialog';

export function ShortcutsDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  const { t } = useTranslation();
  const rows: Array<[string[], string]> = [
    [['g', 'h'], t('shortcuts.goHealth')],
    [['g', 'c'], t('shortcuts.goConnections')],
    [['g', 't'], t('shortcuts.goTenants')],
    [['g', 'j'], t('shortcuts.goJobs')],
    [['g', 'd'], t('shortcuts.goSchedules')],
    [['g', 's'], t('shortcuts.goSettings')],
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
