import { migrated, running } from '../testing/migrated';

describe('0003-calls-orders', () => {
  const db = migrated(3, { foreignKeys: true });
  const now = Date.UTC(2026, 0, 5);
  db.prepare("INSERT INTO districts (code, name, name_en) VALUES ('d', '大沢', 'Osawa')").run();
  db.prepare("INSERT INTO shops (name, category, kind, created_at) VALUES ('店', 'supermarket', 'shop', ?)").run(now);
  db.prepare("INSERT INTO households (name, address, district_id, created_at) VALUES ('世帯', '住所', 1, ?)").run(now);

  it('creates STRICT tables for calls, orders, order lines and order messages', () => {
    for (const t of ['calls', 'orders', 'order_lines', 'order_messages']) {
      const sql = (db.prepare('SELECT sql FROM sqlite_master WHERE name = ?').get(t) as { sql: string }).sql;
      expect(sql).toMatch(/STRICT$/);
    }
  });

  it('adds uploaded photos to shop items and archived to shops', () => {
    db.prepare(
      "INSERT INTO shop_items (shop_id, name, price_yen, unit, photo, photo_mime) VALUES (1, '牛乳', 200, '本', x'FFD8FF', 'image/jpeg')",
    ).run();
    expect(db.prepare('SELECT length(photo) AS n, photo_mime FROM shop_items').get()).toEqual({
      n: 3,
      photo_mime: 'image/jpeg',
    });
    expect(running(db, "UPDATE shop_items SET photo_mime = 'image/gif'")).toThrow(/CHECK/);
    expect(db.prepare('SELECT archived FROM shops').get()).toEqual({ archived: 0 });
  });

  it('refuses unknown call statuses and directions', () => {
    const ins = db.prepare(
      'INSERT INTO calls (shop_id, household_id, direction, status, requested_at) VALUES (1, 1, ?, ?, ?)',
    );
    expect(() => ins.run('inbound', 'lost', now)).toThrow(/CHECK/);
    expect(() => ins.run('sideways', 'waiting', now)).toThrow(/CHECK/);
    expect(Number(ins.run('inbound', 'waiting', now).lastInsertRowid)).toBe(1);
  });

  it('requires a wellbeing record exactly when an order is delivered', () => {
    const ins = db.prepare(
      'INSERT INTO orders (shop_id, household_id, status, created_at, updated_at, wellbeing) VALUES (1, 1, ?, ?, ?, ?)',
    );
    expect(() => ins.run('delivered', now, now, null)).toThrow(/CHECK/);
    expect(() => ins.run('received', now, now, 'well')).toThrow(/CHECK/);
    expect(() => ins.run('delivered', now, now, 'fine')).toThrow(/CHECK/);
    expect(() => ins.run('delivered', now, now, 'concern')).not.toThrow();
  });

  it('keeps order line quantities in range and positions unique per order', () => {
    const ins = db.prepare(
      "INSERT INTO order_lines (order_id, position, name, quantity, unit) VALUES (1, ?, 'x', ?, '個')",
    );
    expect(() => ins.run(0, 0)).toThrow(/CHECK/);
    ins.run(0, 2);
    expect(() => ins.run(0, 1)).toThrow(/UNIQUE/);
  });

  it('refuses an order message for a missing order', () => {
    expect(() =>
      db
        .prepare("INSERT INTO order_messages (order_id, household_id, kind, created_at) VALUES (99, 1, 'status', ?)")
        .run(now),
    ).toThrow(/FOREIGN KEY/);
  });
});
