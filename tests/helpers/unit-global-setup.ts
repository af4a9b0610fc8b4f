// The unit project's run-wide setup: a directory for the run's PostgreSQL (started on first use).
export { setup as default } from '../../apps/hub/src/testing/postgres-global';
