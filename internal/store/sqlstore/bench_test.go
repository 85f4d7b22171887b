package sqlstore

import (
	"testing"

	"github.com/gatehouse/gatehouse/internal/store/storetest"
)

func BenchmarkSQLite(b *testing.B) { storetest.BenchSQL(b, openSQLite(b)) }

func BenchmarkPostgres(b *testing.B) { storetest.BenchSQL(b, openPostgres(b)) }
