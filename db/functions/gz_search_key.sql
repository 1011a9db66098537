-- The key of a search (migration 0077): what a text containing q must hold among its
-- gz_search_grams (db/functions/gz_search_grams.sql): q's pairs of adjacent characters,
-- lower-cased, or q itself when it is one character.
create or replace function gz_search_key(q text) returns text[]
language sql immutable strict parallel safe as $$
  select case when length(q) < 2 then array[lower(q)]
         else array(select distinct substr(lower(q), i, 2) from generate_series(1, length(q) - 1) i) end
$$;
