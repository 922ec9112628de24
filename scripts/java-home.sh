#!/usr/bin/env bash
# Sourced by Raptor's scripts: points JAVA_HOME at a JDK 25 when the current one is older.
# Looks at $JAVA_HOME, then the JDKs installed under /usr/lib/jvm (Debian and Temurin packages).
raptor_java_major() { "$1/bin/java" -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -n1; }
if [ -z "${JAVA_HOME:-}" ] || [ "$(raptor_java_major "$JAVA_HOME")" != 25 ]; then
  for candidate in /usr/lib/jvm/*25* /usr/lib/jvm/*; do
    if [ -x "$candidate/bin/java" ] && [ "$(raptor_java_major "$candidate")" = 25 ]; then
      export JAVA_HOME="$candidate"
      break
    fi
  done
fi
if [ -z "${JAVA_HOME:-}" ] || [ "$(raptor_java_major "$JAVA_HOME")" != 25 ]; then
  echo "raptor: no JDK 25 found (set JAVA_HOME to one)" >&2
  return 1 2>/dev/null || exit 1
fi
export PATH="$JAVA_HOME/bin:$PATH"
