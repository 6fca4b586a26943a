/**
 * A container worker's `crossbar.worker.<id>.*` component procedures.
 * @module
 */
import type { ComponentConfig } from '@cdc/config';
import type { ComponentRunner } from '@cdc/router-host';
import { proc } from '../api/procedures.js';
import type { ProcedureTable } from '../api/procedures.js';
import type { LocalPublish } from '../api/native.js';

export function containerProcedures(
  runner: ComponentRunner,
  publish: LocalPublish,
): ProcedureTable {
  return {
    get_components: proc([], () => runner.list()),
    get_component: proc(['component_id'], (p) => runner.get(p.id('component_id'))),
    start_component: proc(['component_id', 'config', 'reload_modules'], async (p) => {
      const id = p.id('component_id');
      const info = await runner.start(id, p.dict('config') as unknown as ComponentConfig);
      publish('on_component_started', [id, info]);
      return info;
    }),
    stop_component: proc(['component_id'], async (p) => {
      const id = p.id('component_id');
      const info = runner.get(id);
      await runner.stop(id);
      publish('on_component_stopped', [id]);
      return info;
    }),
    restart_component: proc(['component_id', 'reload_modules'], async (p) => {
      const id = p.id('component_id');
      const { config } = runner.get(id);
      await runner.stop(id);
      publish('on_component_stopped', [id]);
      // Modules are imported afresh on every start, so a restart always reloads them.
      const info = await runner.start(id, config);
      publish('on_component_started', [id, info]);
      return info;
    }),
  };
}
