# shellcheck shell=bash
# Helpers for the discovery scenarios (sourced after tests/lab/lib.sh).

# assert_line TEXT ERE [WHAT]: some line of TEXT matches ERE.
assert_line() {
	grep -Eq -- "$2" <<<"$1" || fail "${3:-output} has no line matching /$2/; it is:"$'\n'"$1"
}

export XDG_CACHE_HOME=$LAB_TMP/cache
