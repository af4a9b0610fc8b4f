// Stops the run's PostgreSQL, if a test file started one.
export { teardown as default } from '../../apps/hub/src/testing/postgres-global';
