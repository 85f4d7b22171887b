// Package testenv finds the real servers that tests run against — PostgreSQL, standalone Redis
// and a Redis Cluster — and gives each test an isolated piece of them.
//
// Addresses come from GH_TEST_POSTGRES_URL, GH_TEST_REDIS_URL, GH_TEST_REDIS_SENTINEL and GH_TEST_REDIS_CLUSTER (comma
// separated host:port list), with the local defaults that scripts/services.sh starts. When a
// server is unreachable the test is skipped on a developer machine and fails when CI=true: CI
// never passes by skipping. It is imported by tests only.
package testenv
