-- Indexes for the rows the daily retention job deletes, and one fewer index on every check-in
-- (issue 17).
--
-- Deleting a row that other tables refer to makes the database look for those rows: for each old
-- check-in, the signs of life that name it; for each old call, the calls made back to it and the
-- orders taken on it. Without an index on the referring column each look is a scan of the whole
-- table, once per deleted row: with two years of a city's signs of life, one night's pruning of a
-- day's check-ins held the hub (and every terminal's connection) for over an hour.
CREATE INDEX signs_of_life_checkin ON signs_of_life(checkin_id);
CREATE INDEX calls_callback_of ON calls(callback_of);
CREATE INDEX orders_call ON orders(call_id);

-- A household's latest check-in (city hall's terminal list) is read from its signs of life, which
-- every check-in writes in the same transaction, with the same time: the check-ins' own index by
-- household and time was one more page of the database written for every check-in, in a place of
-- its own, and nothing else read it.
DROP INDEX checkins_household_at;
