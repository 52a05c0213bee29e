import { useTranslation } from 'react-i18next';
import type { Footprint } from '@shared/tenants';
import { KindBadge } from '../../components/badges';
import { useFormat } from '../../lib/useFormat';

/** What the tenant occupies in each store, read live; stores that could not be read say why. */
export function FootprintView({ footprint }: { footprint: Footprint }) {
  const { t } = useTranslation();
  const fmt = useFormat();
  const { mysql, mongo, redis, influx, errors } = footprint;
  const none = !mysql && !mongo && !redis && !influx && errors.length === 0;
  const yesNo = (b: boolean | null): string =>
    b === null ? t('tenants.footprint.unknown') : b ? t('common.yes') : t('common.no');

  return (
    <div className="stack footprint" data-testid="tenant-footprint">
      {none && <p className="muted">{t('tenants.footprint.none')}</p>}
      {errors.map((e) => (
        <div key={e.store} className="error-box compact" data-testid="footprint-error">
          <div className="error-title">{t('tenants.footprint.unreadable', { store: e.store })}</div>
          <div className="error-message">{e.message}</div>
        </div>
      ))}
      {mysql && (
        <section data-store="mysql">
          <h4 className="footprint-title">
            <KindBadge kind="mysql" />
            <span className="mono muted small">
              {mysql.connectionId} / {mysql.database}
            </span>
          </h4>
          {mysql.tables.length === 0 ? (
            <p className="muted small">{t('tenants.footprint.noTables')}</p>
          ) : (
            <div className="table-wrap">
              <table className="table compact-table">
                <caption className="sr-only">{t('tenants.footprint.mysqlCaption')}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t('tenants.footprint.table')}</th>
                    <th scope="col" className="num">
                      {t('tenants.footprint.rows')}
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {mysql.tables.map((x) => (
                    <tr key={`${x.database}.${x.table}`}>
                      <th scope="row" className="mono">
                        {x.database !== mysql.database && (
                          <span className="muted">{x.database}.</span>
                        )}
                        {x.table}
                      </th>
                      <td className="num">{fmt.number(x.rows)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </section>
      )}
      {mongo && (
        <section data-store="mongodb">
          <h4 className="footprint-title">
            <KindBadge kind="mongodb" />
            <span className="mono muted small">
              {mongo.connectionId} / {mongo.database}
            </span>
          </h4>
          {mongo.collections.length === 0 ? (
            <p className="muted small">{t('tenants.footprint.noCollections')}</p>
          ) : (
            <div className="table-wrap">
              <table className="table compact-table">
                <caption className="sr-only">{t('tenants.footprint.mongoCaption')}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t('tenants.footprint.collection')}</th>
                    <th scope="col" className="num">
                      {t('tenants.footprint.documents')}
                    </th>
                    <th scope="col" className="num">
                      {t('tenants.footprint.indexes')}
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {mongo.collections.map((c) => (
                    <tr key={c.name}>
                      <th scope="row" className="mono">
                        {c.name}
                      </th>
                      <td className="num">{fmt.number(c.documents)}</td>
                      <td className="num">{fmt.number(c.indexes)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </section>
      )}
      {redis && (
        <section data-store="redis">
          <h4 className="footprint-title">
            <KindBadge kind="redis" />
            <span className="mono muted small">
              {redis.connectionId} · db {redis.db}
            </span>
          </h4>
          <dl className="kv">
            <dt>{t('tenants.footprint.prefix')}</dt>
            <dd className="mono">{redis.prefix}</dd>
            <dt>{t('tenants.footprint.keys')}</dt>
            <dd>{fmt.number(redis.keys)}</dd>
            <dt>{t('tenants.footprint.aclUser')}</dt>
            <dd className="mono">{redis.aclUser}</dd>
            <dt>{t('tenants.footprint.aclEnabled')}</dt>
            <dd data-testid="acl-enabled" data-enabled={String(redis.aclEnabled)}>
              {yesNo(redis.aclEnabled)}
            </dd>
          </dl>
        </section>
      )}
      {influx && (
        <section data-store="influxdb">
          <h4 className="footprint-title">
            <KindBadge kind="influxdb" />
            <span className="mono muted small">{influx.connectionId}</span>
          </h4>
          <dl className="kv">
            <dt>{t('tenants.footprint.bucket')}</dt>
            <dd className="mono">{influx.bucket}</dd>
            <dt>{t('tenants.footprint.exists')}</dt>
            <dd>{yesNo(influx.exists)}</dd>
          </dl>
        </section>
      )}
    </div>
  );
}
