import type { ReactNode } from 'react';

/** Page title (focused after navigation) with the page's main actions on the right. */
export function PageHeader({
  title,
  subtitle,
  actions,
}: {
  title: string;
  subtitle?: ReactNode;
  actions?: ReactNode;
}) {
  return (
    <header className="page-header">
      <div>
        <h1 tabIndex={-1}>{title}</h1>
        {subtitle !== undefined && <div className="page-subtitle">{subtitle}</div>}
      </div>
      {actions !== undefined && <div className="toolbar">{actions}</div>}
    </header>
  );
}
