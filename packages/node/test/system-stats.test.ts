import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { totalmem } from 'node:os';
import { SystemStats } from '../src/system/system-stats.js';
import {
  cpuPercent,
  parseCpuFreq,
  parseDiskstats,
  parseMeminfo,
  parseNetDev,
  parseProcStat,
} from '../src/system/proc-parse.js';
import { field, formatCpuList, numField, parseCpuList } from '../src/system/procfs.js';

let server: Server;

before(async () => {
  // A listening TCP socket, so the host has at least one AF_INET entry to count.
  server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
});

after(() => {
  server.close();
});

function burn(ms: number): void {
  const end = Date.now() + ms;
  while (Date.now() < end) Math.sqrt(Math.random());
}

test('system stats - a sample has Crossbar.io heartbeat keys and plausible values', async () => {
  const s = await new SystemStats({ shareMs: 0 }).sample();
  assert.deepEqual(Object.keys(s).sort(), [
    'cpu',
    'disk',
    'elapsed',
    'memory',
    'network',
    'timestamp',
    'uptime',
  ]);
  assert.deepEqual(Object.keys(s.cpu).sort(), [
    'ctx_switches',
    'freq',
    'guest',
    'guest_nice',
    'idle',
    'interrupts',
    'iowait',
    'irq',
    'nice',
    'soft_interrupts',
    'softirq',
    'steal',
    'system',
    'user',
  ]);
  assert.deepEqual(Object.keys(s.memory).sort(), [
    'active',
    'available',
    'buffers',
    'cached',
    'free',
    'inactive',
    'percent',
    'shared',
    'slab',
    'total',
    'used',
  ]);
  assert.deepEqual(Object.keys(s.network).sort(), [
    'bytes_recv',
    'bytes_sent',
    'connection',
    'dropin',
    'dropout',
    'errin',
    'errout',
    'packets_recv',
    'packets_sent',
  ]);
  assert.deepEqual(Object.keys(s.network.connection).sort(), ['AF_INET', 'AF_INET6', 'AF_UNIX']);
  assert.deepEqual(Object.keys(s.disk).sort(), [
    'busy_time',
    'read_bytes',
    'read_count',
    'read_merged_count',
    'read_time',
    'write_bytes',
    'write_count',
    'write_merged_count',
    'write_time',
  ]);
  // ns since the epoch, close to now (generous: a loaded CI machine reads /proc slowly).
  assert.ok(Math.abs(s.timestamp / 1e6 - Date.now()) < 15_000, `timestamp ${s.timestamp}`);
  const uptimeSec = Number.parseFloat(readFileSync('/proc/uptime', 'utf8'));
  assert.ok(Math.abs(s.uptime / 1e9 - uptimeSec) < 15, `uptime ${s.uptime} ns`);
  // The first sample covers the time since boot.
  assert.equal(s.elapsed, s.uptime);
  const c = s.cpu;
  const sum = c.user + c.nice + c.system + c.idle + c.iowait + c.irq + c.softirq + c.steal;
  assert.ok(Math.abs(sum - 100) < 1, `cpu shares sum to ${sum}`);
  assert.ok(c.ctx_switches > 0 && c.interrupts > 0);
  assert.equal(s.memory.total, totalmem());
  assert.ok(s.memory.available > 0 && s.memory.available <= s.memory.total);
  assert.ok(s.memory.percent > 0 && s.memory.percent < 100);
  assert.ok(s.network.connection.AF_INET >= 1, 'the listening socket is counted');
  assert.ok(s.network.bytes_recv > 0, 'lo has carried bytes');
  for (const v of Object.values(s.disk)) assert.ok(Number.isInteger(v) && v >= 0);
});

test('system stats - CPU shares and elapsed are over the time since the previous sample', async () => {
  const stats = new SystemStats({ shareMs: 0 });
  await stats.sample();
  burn(150);
  const s = await stats.sample();
  assert.ok(s.elapsed > 140e6 && s.elapsed < 2e9, `elapsed ${s.elapsed} ns`);
  // One of two cores was busy in this process: at least a fair share of user time.
  assert.ok(s.cpu.user + s.cpu.system >= 20, `busy ${s.cpu.user}+${s.cpu.system}`);
  assert.ok(s.cpu.idle < 90);
});

test('system stats - instances share raw readings within the window and stay independent', async () => {
  const a = new SystemStats({ shareMs: 60_000 });
  const b = new SystemStats({ shareMs: 60_000 });
  const [sa, sb] = await Promise.all([a.sample(), b.sample()]);
  assert.deepEqual(sa.memory, sb.memory);
  sa.memory.total = 0; // results are copies: mutating one leaves the shared reading intact
  const sa2 = await a.sample();
  assert.equal(sa2.memory.total, sb.memory.total);
  // Same ticks as the previous sample: no CPU time elapsed, so all shares are 0.
  assert.equal(sa2.cpu.idle, 0);
  const started = performance.now();
  for (let i = 0; i < 1000; i++) await a.sample();
  assert.ok(performance.now() - started < 500, 'shared samples are cheap');
});

test('system stats - /proc/stat parsing and psutil-style CPU shares', () => {
  const stat = parseProcStat(
    'cpu  100 5 50 800 20 1 4 10 3 1\ncpu0 1 2 3 4 5 6 7 8 9 10\nintr 555 1 2 3\nctxt 777\nbtime 1700000000\nprocesses 9\nsoftirq 999 1 2\n',
  );
  assert.deepEqual(stat.ticks, [100, 5, 50, 800, 20, 1, 4, 10, 3, 1]);
  assert.equal(stat.interrupts, 555);
  assert.equal(stat.ctxSwitches, 777);
  assert.equal(stat.softInterrupts, 999);
  assert.equal(stat.btime, 1700000000);
  // Base 990: guest and guest_nice are already inside user and nice.
  const since = cpuPercent(stat.ticks, undefined);
  assert.equal(since.user, 10.1);
  assert.equal(since.idle, 80.8);
  assert.equal(since.guest, 0.3);
  const later = [200, 5, 50, 1700, 20, 1, 4, 10, 3, 1];
  const delta = cpuPercent(later, stat.ticks);
  assert.equal(delta.user, 10);
  assert.equal(delta.idle, 90);
  assert.equal(delta.system, 0);
  assert.deepEqual(Object.values(cpuPercent(later, later)), new Array(10).fill(0));
});

test('system stats - meminfo, net/dev, diskstats and cpuinfo parsing', () => {
  const mem = parseMeminfo(
    [
      'MemTotal:       1000 kB',
      'MemFree:         200 kB',
      'MemAvailable:    600 kB',
      'Buffers:          50 kB',
      'Cached:          150 kB',
      'Shmem:            10 kB',
      'Slab:             40 kB',
      'SReclaimable:     30 kB',
      'Active:          300 kB',
      'Inactive:        100 kB',
      '',
    ].join('\n'),
  );
  assert.deepEqual(mem, {
    total: 1024000,
    available: 614400,
    percent: 40,
    used: 570 * 1024,
    free: 204800,
    active: 307200,
    inactive: 102400,
    buffers: 51200,
    cached: 180 * 1024,
    shared: 10240,
    slab: 40960,
  });
  const net = parseNetDev(
    [
      'Inter-|   Receive                            |  Transmit',
      ' face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed',
      '    lo: 100 10 1 2 0 0 0 0 100 10 3 4 0 0 0 0',
      '  eth0:1000 20 0 1 0 0 0 0 500 5 0 0 0 0 0 0',
      '',
    ].join('\n'),
  );
  assert.deepEqual(net, {
    bytes_sent: 600,
    bytes_recv: 1100,
    packets_sent: 15,
    packets_recv: 30,
    errin: 1,
    errout: 3,
    dropin: 3,
    dropout: 4,
  });
  const diskstats = [
    '   8       0 sda 10 1 100 7 20 2 200 9 0 30 16 0 0 0 0',
    '   8       1 sda1 10 1 100 7 20 2 200 9 0 30 16 0 0 0 0',
    ' 259       0 nvme0n1 1 0 8 1 1 0 8 1 0 2 2',
    ' 259       1 nvme0n1p1 1 0 8 1 1 0 8 1 0 2 2',
    '',
  ].join('\n');
  const expected = {
    read_count: 11,
    write_count: 21,
    read_bytes: 108 * 512,
    write_bytes: 208 * 512,
    read_time: 8,
    write_time: 10,
    read_merged_count: 1,
    write_merged_count: 2,
    busy_time: 32,
  };
  // Partitions are left out, by /sys/block membership or, without it, by name.
  assert.deepEqual(
    parseDiskstats(diskstats, (n) => n === 'sda' || n === 'nvme0n1'),
    expected,
  );
  assert.deepEqual(parseDiskstats(diskstats), expected);
  assert.equal(
    parseCpuFreq('processor\t: 0\ncpu MHz\t\t: 2000.5\n\nprocessor\t: 1\ncpu MHz\t\t: 3000.5\n'),
    2501,
  );
  assert.equal(parseCpuFreq('processor\t: 0\nBogoMIPS\t: 50.00\n'), null);
});

test('system stats - procfs helpers: fields and CPU lists', () => {
  const status = 'Name:\tnode\nCpus_allowed:\t3\nCpus_allowed_list:\t0-1\nVmRSS:\t  2048 kB\n';
  assert.equal(field(status, 'Cpus_allowed'), '3');
  assert.equal(field(status, 'Cpus_allowed_list'), '0-1');
  assert.equal(field(status, 'Name'), 'node');
  assert.equal(field(status, 'Missing'), undefined);
  assert.equal(numField(status, 'VmRSS'), 2048 * 1024);
  assert.deepEqual(parseCpuList('0-2,5,7-8\n'), [0, 1, 2, 5, 7, 8]);
  assert.deepEqual(parseCpuList(''), []);
  assert.equal(formatCpuList([5, 0, 2, 1, 7, 8]), '0-2,5,7-8');
  assert.equal(formatCpuList([3]), '3');
});
