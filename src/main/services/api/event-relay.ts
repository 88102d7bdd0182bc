import type { EventSink } from './event-sink';
import { NO_EVENTS } from './event-sink';

/** A sink whose destination is set later: browser mode's services exist before the server that carries their events. */
export interface EventRelay extends EventSink {
  /** Sends everything from now on to `sink`. */
  connect(sink: EventSink): void;
}

/** A relay that drops events until it is connected. */
export function createEventRelay(): EventRelay {
  let target: EventSink = NO_EVENTS;
  return {
    emit: (event, payload) => target.emit(event, payload),
    connect(sink) {
      target = sink;
    },
  };
}
