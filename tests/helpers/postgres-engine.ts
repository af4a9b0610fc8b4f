// The `postgres` jest project: every test hub of the file on a fresh PostgreSQL database
// (testing/test-engine.ts reads this when the file loads; jest gives each test file its own copy of process.env).
process.env.TSUNAGU_TEST_ENGINE = 'postgres';
