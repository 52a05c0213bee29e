import { Component, type ErrorInfo, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';

interface Props {
  children: ReactNode;
  /** A change of this value (e.g. the route) clears a caught error. */
  resetKey: string;
}
interface State {
  error: Error | undefined;
  resetKey: string;
  attempt: number;
}

/** One per page: a crash in one page leaves the shell (navigation, banner) usable. */
export class PageErrorBoundary extends Component<Props, State> {
  override state: State = { error: undefined, resetKey: this.props.resetKey, attempt: 0 };

  static getDerivedStateFromError(error: unknown): Partial<State> {
    return { error: error instanceof Error ? error : new Error(String(error)) };
  }

  static getDerivedStateFromProps(props: Props, state: State): Partial<State> | null {
    return props.resetKey !== state.resetKey
      ? { error: undefined, resetKey: props.resetKey }
      : null;
  }

  override componentDidCatch(error: Error, info: ErrorInfo): void {
    // The renderer has no logger of its own; the devtools console is where this is looked for.
    console.error('page crashed', error, info.componentStack);
  }

  override render(): ReactNode {
    if (this.state.error) {
      return (
        <PageCrash
          error={this.state.error}
          onReload={() => this.setState((s) => ({ error: undefined, attempt: s.attempt + 1 }))}
        />
      );
    }
    // A new key remounts the page, so "Reload page" starts it from scratch.
    return (
      <div key={this.state.attempt} className="page-host">
        {this.props.children}
      </div>
    );
  }
}

function PageCrash({ error, onReload }: { error: Error; onReload: () => void }) {
  const { t } = useTranslation();
  return (
    <div className="page">
      <div className="callout callout-error" role="alert" data-testid="page-error">
        <div className="error-title">{t('crash.title')}</div>
        <p>{t('crash.body')}</p>
        <pre className="error-message">{error.message}</pre>
        <div>
          <button type="button" className="btn btn-primary" onClick={onReload}>
            {t('crash.reload')}
          </button>
        </div>
      </div>
    </div>
  );
}
