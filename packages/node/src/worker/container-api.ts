/**
 * A container worker's `crossbar.worker.<id>.*` component procedures.
 * @module
 */
import type { ContainerWorkerApi, ContainerWorkerEvents, ComponentEvents } from '@cdc/api';
import type { ComponentRunner } from '@cdc/router-host';
import type { Handlers } from '../api/procedures.js';
import type { LocalPublish } from '../api/native.js';
import { configArg } from '../api/params.js';

export function containerProcedures(
  runner: ComponentRunner,
  publish: LocalPublish<ContainerWorkerEvents & ComponentEvents>,
): Handlers<ContainerWorkerApi> {
  return {
    get_components: () => runner.list(),
    get_component: (p) => runner.get(p.id('component_id')),
    start_component: async (p) => {
      const id = p.id('component_id');
      const info = await runner.start(id, configArg(p, 'config', 'component'));
      publish('on_component_started', [id, info]);
      return info;
    },
    stop_component: async (p) => {
      const id = p.id('component_id');
      const info = runner.get(id);
      await runner.stop(id);
      publish('on_component_stopped', [id]);
      return info;
    },
    restart_component: async (p) => {
      const id = p.id('component_id');
      const { config } = runner.get(id);
      await runner.stop(id);
      publish('on_component_stopped', [id]);
      // Modules are imported afresh on every start, so a restart always reloads them.
      const info = await runner.start(id, config);
      publish('on_component_started', [id, info]);
      return info;
    },
  };
}
