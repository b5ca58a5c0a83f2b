#!/usr/bin/env bash
# Fetch the server jars (ZooKeeper, Kafka in ZooKeeper mode, Kafka KRaft) from Maven Central into
# .cache/servers/<name>-<version>/libs, once. A finished fetch leaves a .complete stamp; a second run downloads nothing.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=../versions.env
. "$top/versions.env"
cache="$top/.cache/servers"
mkdir -p "$cache"

# kafka-tools 3.9 brings slf4j-reload4j: a second SLF4J binding beside slf4j-simple, and SLF4J would pick either.
EXCLUDED=slf4j-reload4j,reload4j

# fetch NAME DEP... : each DEP is group:artifact:version; resolved with runtime dependencies by Maven.
# EXTRA_EXCLUDED=a,b fetch ...: more artifact ids left out for this one fetch.
fetch() {
  local name=$1; shift
  local dir="$cache/$name" excluded="$EXCLUDED${EXTRA_EXCLUDED:+,$EXTRA_EXCLUDED}"
  # The stamp holds the coordinates, so a changed dependency list fetches again.
  [ "$(cat "$dir/.complete" 2>/dev/null)" = "$* -$excluded" ] && return 0
  rm -rf "$dir"; mkdir -p "$dir/libs"
  local deps=""
  for coord in "$@"; do
    IFS=: read -r g a v <<<"$coord"
    deps+="<dependency><groupId>$g</groupId><artifactId>$a</artifactId><version>$v</version></dependency>"
  done
  cat >"$dir/pom.xml" <<POM
<project xmlns="http://maven.apache.org/POM/4.0.0"><modelVersion>4.0.0</modelVersion>
<groupId>local.statefulset-agents</groupId><artifactId>$name</artifactId><version>1</version>
<dependencies>$deps</dependencies></project>
POM
  echo "setup: fetching $name from Maven Central" >&2
  mvn -q -B -f "$dir/pom.xml" dependency:copy-dependencies -DincludeScope=runtime -DexcludeArtifactIds="$excluded" -DoutputDirectory="$dir/libs"
  echo "$* -$excluded" >"$dir/.complete"
}

# ZooKeeper's POM marks metrics-core (ServerMetrics, every start), snappy-java (snapshot names) and commons-cli (ZooKeeperMain)
# `provided`: its binary tarball ships them, Maven does not. Versions from the zookeeper 3.9.5 parent POM.
fetch "zookeeper-$ZOOKEEPER_VERSION" \
  "org.apache.zookeeper:zookeeper:$ZOOKEEPER_VERSION" "org.slf4j:slf4j-simple:$SLF4J1_VERSION" "org.slf4j:slf4j-api:$SLF4J1_VERSION" \
  "io.dropwizard.metrics:metrics-core:4.1.12.1" "org.xerial.snappy:snappy-java:1.1.10.5" "commons-cli:commons-cli:1.5.0" &
p1=$!
# kafka-tools: the console consumer and kafka-topics (TopicCommand) live there in 3.9, so the images can run the seed's
# console steps with the real tools.
fetch "kafka-$KAFKA_ZK_VERSION" \
  "org.apache.kafka:kafka_2.13:$KAFKA_ZK_VERSION" "org.apache.kafka:kafka-tools:$KAFKA_ZK_VERSION" "org.slf4j:slf4j-api:$SLF4J1_VERSION" "org.slf4j:slf4j-simple:$SLF4J1_VERSION" &
p2=$!
fetch "kafka-$KAFKA_KRAFT_VERSION" \
  "org.apache.kafka:kafka_2.13:$KAFKA_KRAFT_VERSION" "org.apache.kafka:kafka-tools:$KAFKA_KRAFT_VERSION" "org.slf4j:slf4j-api:$SLF4J2_VERSION" "org.slf4j:slf4j-simple:$SLF4J2_VERSION" &
p3=$!
# ZooKeeper 3.8, only for zk-bootstrap's admin-client test (test/zk-bootstrap/zk-admin-38.pods.test.ts). Its POM brings
# logback at runtime (3.9 does not), which logs DEBUG without a config: the same slf4j-simple as 3.9 instead.
EXTRA_EXCLUDED=logback-classic,logback-core fetch "zookeeper-$ZOOKEEPER_38_VERSION" \
  "org.apache.zookeeper:zookeeper:$ZOOKEEPER_38_VERSION" "org.slf4j:slf4j-simple:$SLF4J1_VERSION" "org.slf4j:slf4j-api:$SLF4J1_VERSION" \
  "io.dropwizard.metrics:metrics-core:4.1.12.1" "org.xerial.snappy:snappy-java:1.1.10.5" "commons-cli:commons-cli:1.5.0" &
p4=$!
wait $p1 && wait $p2 && wait $p3 && wait $p4
