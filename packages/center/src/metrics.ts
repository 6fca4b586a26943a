/**
 * Prometheus metrics (`/metrics`): sessions, calls, errors, publications and events per
 * realm from the router's counters, nodes by status per realm from the backends, backend
 * health, and the process defaults.
 * @module
 */
import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import type { Router } from '@cdc/router';
import type { BackendSupervisor } from './supervisor.js';

export function createMetrics(router: Router, supervisor: BackendSupervisor): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'cdc_' });
  const realms = (): string[] => router.realmNames();
  new Gauge({
    name: 'cdc_sessions',
    help: 'Sessions joined to a realm',
    labelNames: ['realm'],
    registers: [registry],
    collect() {
      this.reset();
      for (const r of realms()) this.set({ realm: r }, router.getRealm(r)?.sessions.size ?? 0);
    },
  });
  const counter = (
    name: string,
    help: string,
    key: 'calls' | 'errors' | 'publications' | 'events',
  ): void => {
    new Counter({
      name,
      help,
      labelNames: ['realm'],
      registers: [registry],
      collect() {
        this.reset();
        for (const r of realms()) {
          const v = router.getRealm(r)?.stats[key] ?? 0;
          if (v > 0) this.inc({ realm: r }, v);
        }
      },
    });
  };
  counter('cdc_calls_total', 'Calls routed in a realm', 'calls');
  counter('cdc_errors_total', 'Errors returned to callers in a realm', 'errors');
  counter('cdc_publications_total', 'Publications in a realm', 'publications');
  counter('cdc_events_total', 'Events delivered in a realm', 'events');
  new Gauge({
    name: 'cdc_nodes',
    help: 'Nodes of a management realm by status',
    labelNames: ['realm', 'status'],
    registers: [registry],
    collect() {
      this.reset();
      for (const [realm, b] of Object.entries(supervisor.status())) {
        for (const [status, n] of Object.entries(b.nodes)) this.set({ realm, status }, n);
      }
    },
  });
  new Gauge({
    name: 'cdc_backend_up',
    help: 'Whether the backend process of a management realm is ready (1) or not (0)',
    labelNames: ['realm'],
    registers: [registry],
    collect() {
      this.reset();
      for (const [realm, b] of Object.entries(supervisor.status()))
        this.set({ realm }, b.status === 'ready' ? 1 : 0);
    },
  });
  new Gauge({
    name: 'cdc_backend_restarts',
    help: 'How often the backend of a management realm was restarted',
    labelNames: ['realm'],
    registers: [registry],
    collect() {
      this.reset();
      for (const [realm, b] of Object.entries(supervisor.status())) this.set({ realm }, b.restarts);
    },
  });
  return registry;
}
