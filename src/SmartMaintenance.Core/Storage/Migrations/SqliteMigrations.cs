namespace SmartMaintenance.Storage.Migrations;

/// <summary>
/// The SQLite schema as an ordered list of migrations. Applied versions are recorded in
/// <c>PRAGMA user_version</c>; a migration is never edited once shipped, only followed by a new one.
/// </summary>
internal static class SqliteMigrations
{
    public static readonly IReadOnlyList<(int Version, string Name, string Sql)> All =
    [
        (1, "catalog, readings, roll-ups, keys, idempotency", """
            CREATE TABLE tenants (
                id INTEGER PRIMARY KEY,
                slug TEXT NOT NULL UNIQUE,
                name TEXT NOT NULL,
                created_at INTEGER NOT NULL);

            CREATE TABLE sites (
                tenant_id INTEGER NOT NULL REFERENCES tenants(id),
                site_id TEXT NOT NULL,
                name TEXT NOT NULL,
                location TEXT,
                created_at INTEGER NOT NULL,
                PRIMARY KEY (tenant_id, site_id)) WITHOUT ROWID;

            CREATE TABLE assets (
                tenant_id INTEGER NOT NULL,
                asset_id TEXT NOT NULL,
                site_id TEXT NOT NULL,
                parent_asset_id TEXT,
                name TEXT NOT NULL,
                kind TEXT NOT NULL,
                created_at INTEGER NOT NULL,
                PRIMARY KEY (tenant_id, asset_id),
                FOREIGN KEY (tenant_id, site_id) REFERENCES sites(tenant_id, site_id),
                FOREIGN KEY (tenant_id, parent_asset_id) REFERENCES assets(tenant_id, asset_id)) WITHOUT ROWID;
            CREATE INDEX assets_by_site ON assets(tenant_id, site_id);
            CREATE INDEX assets_by_parent ON assets(tenant_id, parent_asset_id);

            CREATE TABLE sensors (
                key INTEGER PRIMARY KEY,
                tenant_id INTEGER NOT NULL REFERENCES tenants(id),
                sensor_id TEXT NOT NULL,
                asset_id TEXT,
                type TEXT NOT NULL,
                unit TEXT NOT NULL,
                expected_min REAL,
                expected_max REAL,
                sample_interval_s REAL NOT NULL,
                auto_registered INTEGER NOT NULL,
                created_at INTEGER NOT NULL,
                UNIQUE (tenant_id, sensor_id),
                FOREIGN KEY (tenant_id, asset_id) REFERENCES assets(tenant_id, asset_id));
            CREATE INDEX sensors_by_asset ON sensors(tenant_id, asset_id);

            -- Readings carry no foreign key: the ingestion path resolves the sensor before writing, and a
            -- per-row FK probe would cost a third of the insert rate.
            CREATE TABLE readings (
                sensor_key INTEGER NOT NULL,
                ts INTEGER NOT NULL,
                value REAL NOT NULL,
                quality INTEGER NOT NULL,
                tenant_id INTEGER NOT NULL,
                PRIMARY KEY (sensor_key, ts)) WITHOUT ROWID;

            CREATE TABLE rollup_minute (
                sensor_key INTEGER NOT NULL,
                bucket INTEGER NOT NULL,
                tenant_id INTEGER NOT NULL,
                count INTEGER NOT NULL,
                min REAL NOT NULL,
                max REAL NOT NULL,
                mean REAL NOT NULL,
                m2 REAL NOT NULL,
                PRIMARY KEY (sensor_key, bucket)) WITHOUT ROWID;

            CREATE TABLE rollup_hour (
                sensor_key INTEGER NOT NULL,
                bucket INTEGER NOT NULL,
                tenant_id INTEGER NOT NULL,
                count INTEGER NOT NULL,
                min REAL NOT NULL,
                max REAL NOT NULL,
                mean REAL NOT NULL,
                m2 REAL NOT NULL,
                PRIMARY KEY (sensor_key, bucket)) WITHOUT ROWID;

            CREATE TABLE api_keys (
                id INTEGER PRIMARY KEY,
                tenant_id INTEGER NOT NULL REFERENCES tenants(id),
                name TEXT NOT NULL,
                hint TEXT NOT NULL,
                secret_hash TEXT NOT NULL UNIQUE,
                role TEXT NOT NULL,
                scopes TEXT NOT NULL,
                auto_register INTEGER NOT NULL,
                rate_limit INTEGER,
                created_at INTEGER NOT NULL,
                revoked_at INTEGER);

            CREATE TABLE idempotency (
                tenant_id INTEGER NOT NULL,
                key TEXT NOT NULL,
                request_hash TEXT NOT NULL,
                status INTEGER NOT NULL,
                response TEXT NOT NULL,
                created_at INTEGER NOT NULL,
                PRIMARY KEY (tenant_id, key)) WITHOUT ROWID;

            INSERT INTO tenants (id, slug, name, created_at) VALUES (1, 'default', 'Default tenant', 0);
            """),
        (2, "audit trail, anomalies, predictions, cases, decisions, work orders, dead letters, webhooks, labels, reports, grain state", """
            -- Append-only and hash-chained; audit_head holds the last entry so that removing entries from the end
            -- is detected too.
            CREATE TABLE audit_events (
                seq INTEGER PRIMARY KEY,
                at INTEGER NOT NULL,
                tenant_id INTEGER NOT NULL,
                type TEXT NOT NULL,
                correlation_id TEXT NOT NULL,
                actor TEXT NOT NULL,
                payload TEXT NOT NULL,
                prev_hash TEXT NOT NULL,
                hash TEXT NOT NULL);
            CREATE INDEX audit_by_correlation ON audit_events(tenant_id, correlation_id, seq);
            CREATE TABLE audit_head (
                id INTEGER PRIMARY KEY CHECK (id = 1),
                seq INTEGER NOT NULL,
                hash TEXT NOT NULL);

            CREATE TABLE anomalies (
                anomaly_id TEXT PRIMARY KEY,
                tenant_id INTEGER NOT NULL,
                sensor_key INTEGER NOT NULL,
                sensor_id TEXT NOT NULL,
                asset_id TEXT,
                at INTEGER NOT NULL,
                detected_at INTEGER NOT NULL,
                window_start INTEGER NOT NULL,
                window_end INTEGER NOT NULL,
                value REAL NOT NULL,
                score REAL NOT NULL,
                severity TEXT NOT NULL,
                detectors TEXT NOT NULL,
                status TEXT NOT NULL,
                confidence REAL,
                reason TEXT,
                correlation_id TEXT NOT NULL);
            CREATE INDEX anomalies_by_time ON anomalies(tenant_id, detected_at);
            CREATE INDEX anomalies_by_sensor ON anomalies(tenant_id, sensor_id, detected_at);

            CREATE TABLE predictions (
                prediction_id TEXT PRIMARY KEY,
                tenant_id INTEGER NOT NULL,
                asset_id TEXT NOT NULL,
                at INTEGER NOT NULL,
                failure_probability REAL NOT NULL,
                rul_seconds REAL,
                model_name TEXT NOT NULL,
                model_version TEXT NOT NULL,
                is_fallback INTEGER NOT NULL,
                explanation TEXT NOT NULL,
                correlation_id TEXT NOT NULL);
            CREATE INDEX predictions_by_asset ON predictions(tenant_id, asset_id, at);

            -- Cases live in their Orleans grains (grain_state); this table is their queryable copy, rewritten at every change.
            CREATE TABLE cases (
                case_id TEXT PRIMARY KEY,
                tenant_id INTEGER NOT NULL,
                asset_id TEXT NOT NULL,
                state TEXT NOT NULL,
                updated_at INTEGER NOT NULL,
                due_at INTEGER,
                body TEXT NOT NULL);
            CREATE INDEX cases_due ON cases(due_at) WHERE due_at IS NOT NULL;
            CREATE INDEX cases_by_state ON cases(tenant_id, state, updated_at);
            CREATE INDEX cases_by_asset ON cases(tenant_id, asset_id, updated_at);

            CREATE TABLE decisions (
                decision_id TEXT PRIMARY KEY,
                tenant_id INTEGER NOT NULL,
                case_id TEXT NOT NULL,
                decided_at INTEGER NOT NULL,
                body TEXT NOT NULL);
            CREATE INDEX decisions_by_time ON decisions(tenant_id, decided_at);

            CREATE TABLE work_orders (
                work_order_id TEXT PRIMARY KEY,
                tenant_id INTEGER NOT NULL,
                case_id TEXT NOT NULL,
                status TEXT NOT NULL,
                created_at INTEGER NOT NULL,
                body TEXT NOT NULL);
            CREATE INDEX work_orders_by_status ON work_orders(tenant_id, status, created_at);

            CREATE TABLE dead_letters (
                id INTEGER PRIMARY KEY,
                tenant_id INTEGER NOT NULL,
                step TEXT NOT NULL,
                correlation_id TEXT NOT NULL,
                payload TEXT NOT NULL,
                error TEXT NOT NULL,
                attempts INTEGER NOT NULL,
                created_at INTEGER NOT NULL,
                replayed_at INTEGER,
                replay_error TEXT);
            CREATE INDEX dead_letters_by_tenant ON dead_letters(tenant_id, id);

            CREATE TABLE webhooks (
                id INTEGER PRIMARY KEY,
                tenant_id INTEGER NOT NULL,
                url TEXT NOT NULL,
                secret TEXT NOT NULL,
                event_types TEXT NOT NULL,
                created_at INTEGER NOT NULL);
            CREATE INDEX webhooks_by_tenant ON webhooks(tenant_id);

            CREATE TABLE webhook_deliveries (
                id INTEGER PRIMARY KEY,
                webhook_id INTEGER NOT NULL REFERENCES webhooks(id) ON DELETE CASCADE,
                event_seq INTEGER NOT NULL,
                event_type TEXT NOT NULL,
                status INTEGER,
                attempts INTEGER NOT NULL,
                error TEXT,
                at INTEGER NOT NULL);
            CREATE INDEX webhook_deliveries_by_hook ON webhook_deliveries(webhook_id, id);

            -- Outcomes of completed maintenance as labels on the anomalies that led to it: the learning data.
            CREATE TABLE anomaly_labels (
                anomaly_id TEXT PRIMARY KEY,
                tenant_id INTEGER NOT NULL,
                label TEXT NOT NULL,
                work_order_id TEXT NOT NULL,
                labelled_at INTEGER NOT NULL);
            CREATE INDEX anomaly_labels_by_tenant ON anomaly_labels(tenant_id, labelled_at);

            CREATE TABLE reports (
                report_id TEXT PRIMARY KEY,
                tenant_id INTEGER NOT NULL,
                kind TEXT NOT NULL,
                subject TEXT NOT NULL,
                created_at INTEGER NOT NULL,
                sha256 TEXT NOT NULL,
                body TEXT NOT NULL);
            CREATE INDEX reports_by_tenant ON reports(tenant_id, created_at);

            CREATE TABLE grain_state (
                grain_type TEXT NOT NULL,
                grain_id TEXT NOT NULL,
                state_name TEXT NOT NULL,
                etag TEXT NOT NULL,
                payload TEXT NOT NULL,
                PRIMARY KEY (grain_type, grain_id, state_name)) WITHOUT ROWID;
            """),
        (3, "anomaly detector sensitivity per sensor type", """
            CREATE TABLE detector_settings (
                tenant_id INTEGER NOT NULL,
                sensor_type TEXT NOT NULL,
                sensitivity REAL NOT NULL,
                updated_at INTEGER NOT NULL,
                PRIMARY KEY (tenant_id, sensor_type)) WITHOUT ROWID;
            """),
        (4, "people who sign in to the web UI", """
            CREATE TABLE users (
                id INTEGER PRIMARY KEY,
                tenant_id INTEGER NOT NULL REFERENCES tenants(id),
                username TEXT NOT NULL UNIQUE COLLATE NOCASE,
                display_name TEXT NOT NULL,
                role TEXT NOT NULL,
                password_hash TEXT NOT NULL,
                created_at INTEGER NOT NULL,
                disabled_at INTEGER);
            CREATE INDEX users_by_tenant ON users(tenant_id);
            """),
        (5, "model registry", """
            CREATE TABLE model_versions (
                tenant_id INTEGER NOT NULL REFERENCES tenants(id),
                name TEXT NOT NULL,
                version INTEGER NOT NULL,
                kind TEXT NOT NULL,
                stage TEXT NOT NULL,
                sha256 TEXT NOT NULL,
                artifact TEXT NOT NULL,
                parameters TEXT NOT NULL,
                metrics TEXT NOT NULL,
                features TEXT NOT NULL,
                training_fingerprint TEXT NOT NULL,
                created_by TEXT NOT NULL,
                parent_version INTEGER,
                created_at INTEGER NOT NULL,
                stage_changed_at INTEGER NOT NULL,
                PRIMARY KEY (tenant_id, name, version)) WITHOUT ROWID;
            """),
        (6, "the asset kind a model version is for", """
            ALTER TABLE model_versions ADD COLUMN asset_kind TEXT;
            """),
        (7, "the base value a prediction's explanation starts from", """
            ALTER TABLE predictions ADD COLUMN explanation_base REAL;
            """),
        (8, "training runs and drift checks kept past a restart", """
            CREATE TABLE training_runs (
                run_id TEXT PRIMARY KEY,
                tenant_id INTEGER NOT NULL REFERENCES tenants(id),
                requested_at INTEGER NOT NULL,
                body TEXT NOT NULL);
            CREATE INDEX training_runs_by_tenant ON training_runs(tenant_id, requested_at);
            CREATE TABLE drift_checks (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                tenant_id INTEGER NOT NULL REFERENCES tenants(id),
                model_name TEXT NOT NULL,
                checked_at INTEGER NOT NULL,
                body TEXT NOT NULL);
            CREATE INDEX drift_checks_by_model ON drift_checks(tenant_id, model_name, checked_at);
            """),
        (9, "sensor limits stored as infinities before they were refused are cleared (they made every sensor list fail)", """
            UPDATE sensors SET expected_min = NULL WHERE abs(expected_min) > 1.7976931348623157e308;
            UPDATE sensors SET expected_max = NULL WHERE abs(expected_max) > 1.7976931348623157e308;
            """),
        (10, "each asset's health over time", """
            CREATE TABLE asset_health (
                tenant_id INTEGER NOT NULL REFERENCES tenants(id),
                asset_id TEXT NOT NULL,
                at INTEGER NOT NULL,
                health INTEGER NOT NULL,
                abnormal INTEGER NOT NULL,
                drivers TEXT NOT NULL,
                PRIMARY KEY (tenant_id, asset_id, at)) WITHOUT ROWID;
            CREATE INDEX asset_health_by_time ON asset_health(at);
            """),
        (11, "how critical each asset is (0 low, 1 medium, 2 high, 3 critical)", """
            ALTER TABLE assets ADD COLUMN criticality INTEGER NOT NULL DEFAULT 1;
            """),
        (12, "the bell's history: the newest entries of a type, and how far each user has read", """
            CREATE INDEX audit_by_type ON audit_events(tenant_id, type, seq);
            ALTER TABLE users ADD COLUMN notifications_read_seq INTEGER NOT NULL DEFAULT 0;
            """),
        (13, "alarm rules: limits with hysteresis and delay, and a maximum rate, per sensor or sensor type", """
            CREATE TABLE alarm_rules (
                tenant_id INTEGER NOT NULL REFERENCES tenants(id),
                scope INTEGER NOT NULL,
                target TEXT NOT NULL,
                high REAL,
                low REAL,
                hysteresis REAL NOT NULL,
                delay_seconds REAL NOT NULL,
                max_rate_per_minute REAL,
                updated_by TEXT NOT NULL,
                updated_at INTEGER NOT NULL,
                PRIMARY KEY (tenant_id, scope, target)) WITHOUT ROWID;
            """),
        (14, "anomalies reviewed by people: labels without a work order (who, why), and acknowledgements and comments", """
            CREATE TABLE anomaly_labels_14 (
                anomaly_id TEXT PRIMARY KEY,
                tenant_id INTEGER NOT NULL,
                label TEXT NOT NULL,
                work_order_id TEXT,
                labelled_at INTEGER NOT NULL,
                labelled_by TEXT,
                comment TEXT);
            INSERT INTO anomaly_labels_14 (anomaly_id, tenant_id, label, work_order_id, labelled_at)
                SELECT anomaly_id, tenant_id, label, work_order_id, labelled_at FROM anomaly_labels;
            DROP TABLE anomaly_labels;
            ALTER TABLE anomaly_labels_14 RENAME TO anomaly_labels;
            CREATE INDEX anomaly_labels_by_tenant ON anomaly_labels(tenant_id, labelled_at);
            CREATE TABLE anomaly_notes (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                tenant_id INTEGER NOT NULL REFERENCES tenants(id),
                anomaly_id TEXT NOT NULL,
                kind INTEGER NOT NULL,
                actor TEXT NOT NULL,
                text TEXT,
                at INTEGER NOT NULL);
            CREATE INDEX anomaly_notes_by_anomaly ON anomaly_notes(tenant_id, anomaly_id, id);
            """),
        (15, "sites, assets and sensors retired from service (history kept) instead of deleted", """
            ALTER TABLE sites ADD COLUMN retired_at INTEGER;
            ALTER TABLE assets ADD COLUMN retired_at INTEGER;
            ALTER TABLE sensors ADD COLUMN retired_at INTEGER;
            """),
        (16, "the web host's Data Protection key ring (sign-in cookies, antiforgery tokens), shared by every host on the file", """
            -- Kept as Data Protection writes it, unencrypted: the database is the trust boundary, as for the API key hashes.
            CREATE TABLE data_protection_keys (
                friendly_name TEXT PRIMARY KEY,
                xml TEXT NOT NULL,
                created_at INTEGER NOT NULL) WITHOUT ROWID;
            """),
        (17, "retention policy per tenant: raw readings and roll-ups kept so many days, the last run beside it", """
            CREATE TABLE retention_policies (
                tenant_id INTEGER PRIMARY KEY REFERENCES tenants(id),
                raw_days INTEGER NOT NULL,
                minute_rollup_days INTEGER,
                hour_rollup_days INTEGER,
                export_dropped INTEGER NOT NULL,
                updated_by TEXT NOT NULL,
                updated_at INTEGER NOT NULL,
                last_run TEXT);
            """),
    ];
}
