# The host's sqlite3 (WAL mode: its -shm file is locked with F_GETLK/F_SETLK
# byte ranges) and util-linux flock(1), against their own second instances.
# Usage: sh lk_hostprogs.sh DIR (a writable directory)
cd "$1"
rm -f t.db t.db-wal t.db-shm lockf
sqlite3 t.db "PRAGMA journal_mode=WAL;" "create table t(x);" "insert into t values(10);"
sqlite3 t.db "BEGIN IMMEDIATE;" "insert into t values(1);" \
  ".shell sqlite3 t.db 'insert into t values(2)'; echo inner-write=\$?" \
  ".shell sqlite3 t.db 'select sum(x) from t'" \
  "COMMIT;" 2>&1
sqlite3 t.db "select sum(x) from t;" "PRAGMA journal_mode;" "PRAGMA wal_checkpoint;"
sqlite3 t.db "BEGIN;" "select count(*) from t;" ".shell sqlite3 t.db 'insert into t values(5); select sum(x) from t'" "select sum(x) from t;" "COMMIT;" "select sum(x) from t;"
flock -n lockf -c 'flock -n lockf -c true; echo inner-ex=$?; flock -n -s lockf -c true; echo inner-sh=$?'
flock -s lockf -c 'flock -n -s lockf -c true; echo shared-shared=$?; flock -n -E 7 lockf -c true; echo shared-ex=$?'
flock lockf -c 'echo held'; echo outer=$?
# four writers at once, each waiting its turn through sqlite's busy timeout
sqlite3 t.db "create table c(x);"
for i in 1 2 3 4; do
  (for j in 1 2 3 4 5 6 7 8 9 10; do sqlite3 -cmd ".timeout 20000" t.db "insert into c values($i)" || echo fail; done) &
done
wait
sqlite3 t.db "select count(*), sum(x) from c;" "PRAGMA integrity_check;"
# a FIFO between two shells
mkfifo ff
(echo via-fifo > ff) &
cat ff
wait
rm -f ff
