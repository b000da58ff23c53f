package store

import "database/sql"

// DB is the database under st, for tests that damage rows.
func DB(st Store) *sql.DB { return st.(*sqlStore).db }
