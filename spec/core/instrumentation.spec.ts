import { Registry } from '../support/prometheus-client.js';
import { CountExceptions, Counted } from '../../lib/index';
import { resetWarnings } from '../../lib/log';
import { METHOD_SHAPES, settle } from './method-shapes';

let warn: jest.SpyInstance;
beforeEach(() => {
  resetWarnings();
  warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
});
afterEach(() => warn.mockRestore());

describe.each(METHOD_SHAPES)('a recording failure never breaks a $title call', (shape) => {
  test('a throwing only: predicate is logged once; the other decorators still record and the call goes on', async () => {
    const registry = new Registry();
    const error = new TypeError('bad input');
    class Orders {
      @Counted({ registry })
      @CountExceptions({
        registry,
        only: () => {
          throw new Error('predicate bug');
        },
      })
      place(): unknown {
        return shape.body('placed', error);
      }
    }
    const orders = new Orders();
    for (let i = 0; i < 2; i++) {
      const settled = await settle(() => orders.place());
      expect(settled.outcome).toBe(shape.fails ? error : 'placed');
    }
    expect(warn.mock.calls.map((call) => call[0])).toEqual(
      shape.fails ? ['prom-decorators: recording @CountExceptions on Orders.place failed; the call went on without it'] : [],
    );
    expect(await registry.getSingleMetricAsString('method_calls_total')).toMatch(new RegExp(`^method_calls_total\\{class="Orders",method="place",result="${shape.result}"\\} 2$`, 'm'));
  });

  test('an error whose constructor cannot be read is still rethrown as the very same object', async () => {
    const registry = new Registry();
    // An own `constructor` whose read throws (the error label reads the nearest named one).
    const hostile = new Proxy(
      { constructor: undefined },
      {
        get(_target, property) {
          if (property === 'constructor') throw new Error('no constructor for you');
          return undefined;
        },
      },
    );
    class Gateway {
      @CountExceptions({ registry })
      fetch(): unknown {
        return shape.body('page', hostile);
      }
    }
    const settled = await settle(() => new Gateway().fetch());
    expect(settled.outcome).toBe(shape.fails ? hostile : 'page');
    expect(warn).toHaveBeenCalledTimes(shape.fails ? 1 : 0);
  });
});
