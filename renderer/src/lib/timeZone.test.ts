import { describe, expect, it } from 'vitest';
import { allTimeZones, isoInZone, searchZones, zoneOffset } from './timeZone';

describe('time zones', () => {
  it('lists UTC first and once', () => {
    const zones = allTimeZones();
    expect(zones[0]).toBe('UTC');
    expect(zones.filter((z) => z === 'UTC')).toHaveLength(1);
    expect(zones).toContain('Asia/Shanghai');
  });

  it('gives offsets as ±hh:mm', () => {
    const winter = new Date('2025-01-15T12:00:00Z');
    const summer = new Date('2025-07-15T12:00:00Z');
    expect(zoneOffset('UTC', winter)).toBe('+00:00');
    expect(zoneOffset('Asia/Shanghai', winter)).toBe('+08:00');
    expect(zoneOffset('Asia/Kolkata', winter)).toBe('+05:30');
    expect(zoneOffset('America/New_York', winter)).toBe('-05:00');
    expect(zoneOffset('America/New_York', summer)).toBe('-04:00');
  });

  it('shows an instant as the wall clock of a zone', () => {
    const at = '2025-03-01T18:00:00.000Z';
    expect(isoInZone(at, 'UTC')).toBe('2025-03-01 18:00');
    expect(isoInZone(at, 'Asia/Shanghai')).toBe('2025-03-02 02:00');
    expect(isoInZone(at, 'America/New_York', true)).toBe('2025-03-01 13:00:00');
    expect(isoInZone('2025-03-01T16:00:00.000Z', 'Asia/Shanghai')).toBe('2025-03-02 00:00');
  });

  it('searches names and offsets', () => {
    const zones = ['UTC', 'Asia/Shanghai', 'America/New_York', 'Europe/Berlin'];
    const off = (z: string) => ({ 'Asia/Shanghai': '+08:00' })[z] ?? '+01:00';
    expect(searchZones(zones, 'shang', off)).toEqual(['Asia/Shanghai']);
    expect(searchZones(zones, 'new york', off)).toEqual(['America/New_York']);
    expect(searchZones(zones, 'new_york', off)).toEqual(['America/New_York']);
    expect(searchZones(zones, '+08', off)).toEqual(['Asia/Shanghai']);
    expect(searchZones(zones, '  ', off)).toEqual(zones);
  });
});
