#!/bin/sh
# kwok runs every exec through this (KWOK_EXEC_WRAPPER): the command sees only its pod's /tmp and
# /opt/flink, in a private mount namespace with a tmpfs over /opt, and the container's environment,
# never kwok's. The pod's folder arrives in SQUIRRLY_POD_ROOT from the pod's kwok Exec object.
root="${SQUIRRLY_POD_ROOT:?no SQUIRRLY_POD_ROOT for this pod}"
exec env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME=/opt/flink FLINK_HOME=/opt/flink \
  unshare --mount --propagation private -- sh -c '
    root=$1; shift
    mount -t tmpfs squirrly-opt /opt && mkdir /opt/flink &&
    mount --bind "$root/opt/flink" /opt/flink && mount --bind "$root/tmp" /tmp &&
    cd /opt/flink && exec "$@"' sh "$root" "$@"
