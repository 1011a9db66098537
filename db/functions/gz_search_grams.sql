-- The search box's index keys (migration 0077). gz_search_grams(parts…): every character and
-- every pair of adjacent characters of the parts, lower-cased; nulls skipped (GIN keeps each
-- key once a row).
-- gz_search_key(q) (gz_search_key.sql) is q's pairs (q itself when it is one character).
-- lower(s) containing lower(q) implies gz_search_grams(s) @> gz_search_key(q), and
-- `s ilike '%q%'` is lower(s) like lower('%q%') in a UTF-8 database, so a GIN index on the
-- grams finds every row the ilike does (the ilike then drops the rest). Pairs, not pg_trgm's
-- triples: Chinese names are often searched by two characters (建设), where a triple index finds
-- nothing, and pg_trgm sees Chinese characters as letters only under a UTF-8 LC_CTYPE (not C).
-- An index is built with these: changing them needs a migration that reloads them and reindexes.
create or replace function gz_search_grams(variadic parts text[]) returns text[]
language sql immutable strict parallel safe as $$
  -- the parts joined by a line break (pairs across it only widen what the index finds, and the
  -- ilike drops those rows); the pairs from the first character and from the second, then every
  -- character: three C functions, four times faster than a loop over the positions
  select array(select m[1] from regexp_matches(t, '(..?)', 'g') m)
      || array(select m[1] from regexp_matches(substr(t, 2), '(..?)', 'g') m)
      || string_to_array(t, null)
  from (select lower(array_to_string(parts, E'\n')) as t) s
$$;
