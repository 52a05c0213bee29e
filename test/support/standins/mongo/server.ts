/**
 * TCP side of the Keel TEST-ONLY MongoDB stand-in: accepts connections on 127.0.0.1, frames
 * messages, enforces authentication, dispatches commands and answers awaitable / exhaust
 * `hello` the way mongod's streaming SDAM protocol expects.
 */
import net from 'node:net';
import { ObjectId, type Document } from 'bson';
import { authorize } from './auth';
import { requiredPrivileges } from './auth-commands';
import { aggregateCommands } from './cmd-aggregate';
import { crudCommands } from './cmd-crud';
import { ddlCommands } from './cmd-ddl';
import { handshakeCommands } from './cmd-handshake';
import { statusCommands } from './cmd-status';
import { userCommands } from './cmd-users';
import { validationCommands } from './cmd-validation';
import type { ConnState, Handler, ReplicaSetConfig, ServerState, StandInVersion } from './context';
import { CursorRegistry } from './cursors';
import { CommandError } from './errors';
import type { UserRecord } from './scram';
import { Store } from './store';
import {
  completeMessageLength,
  decodeMessage,
  encodeOpMsgReply,
  encodeOpReply,
  FLAG_EXHAUST_ALLOWED,
  FLAG_MORE_TO_COME,
  OP_QUERY,
  type WireRequest,
} from './wire';

const COMMANDS: Record<string, Handler> = {
  ...handshakeCommands,
  ...statusCommands,
  ...crudCommands,
  ...ddlCommands,
  ...validationCommands,
  ...userCommands,
  ...aggregateCommands,
};

/** What an unauthenticated connection may still run when users are configured. */
const NO_AUTH_COMMANDS = new Set([
  'hello',
  'isMaster',
  'ismaster',
  'ping',
  'saslStart',
  'saslContinue',
  'buildInfo',
  'buildinfo',
]);
const HELLO_COMMANDS = new Set(['hello', 'isMaster', 'ismaster']);

export class StandInServer {
  readonly state: ServerState;
  private server: net.Server | undefined;
  private closed: Promise<void> = Promise.resolve();
  private readonly sockets = new Set<net.Socket>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private nextConnectionId = 1;
  private nextRequestId = 1;

  constructor(
    users: UserRecord[],
    replicaSet: ReplicaSetConfig | undefined,
    version: StandInVersion = '7.0',
  ) {
    this.state = {
      version,
      store: new Store(),
      cursors: new CursorRegistry(),
      users,
      security: { enabled: users.length > 0, roles: new Map() },
      replicaSet,
      hostAndPort: '127.0.0.1:0',
      startedAt: Date.now(),
      processId: new ObjectId(),
      opcounters: { insert: 0, query: 0, update: 0, delete: 0, getmore: 0, command: 0 },
      connections: { current: 0, totalCreated: 0 },
      commandLog: [],
    };
  }

  /** Starts listening; port 0 picks a free one. A restart reuses the previous port. */
  async listen(port: number): Promise<number> {
    await this.closed;
    const server = net.createServer((socket) => this.onConnection(socket));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.server = server;
    const address = server.address() as net.AddressInfo;
    this.state.hostAndPort = `127.0.0.1:${address.port}`;
    return address.port;
  }

  /** Drops every connection and stops listening at once, as if the process were SIGKILLed. */
  kill(): void {
    const server = this.server;
    this.server = undefined;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    for (const socket of this.sockets) socket.destroy();
    // Per-process state does not survive a crash; the data (Store) deliberately does.
    this.state.cursors.clear();
    if (server) {
      this.closed = new Promise((resolve) => server.close(() => resolve()));
    }
  }

  /** After kill(): a new "process" on the same port, with a new topologyVersion.processId. */
  async restart(): Promise<void> {
    this.kill();
    const port = Number(this.state.hostAndPort.split(':')[1]);
    Object.assign(this.state, { startedAt: Date.now(), processId: new ObjectId() });
    for (const key of Object.keys(this.state.opcounters) as Array<
      keyof typeof this.state.opcounters
    >) {
      this.state.opcounters[key] = 0;
    }
    this.state.connections.totalCreated = 0;
    await this.listen(port);
  }

  async stop(): Promise<void> {
    this.kill();
    await this.closed;
  }

  private onConnection(socket: net.Socket): void {
    this.sockets.add(socket);
    this.state.connections.current += 1;
    this.state.connections.totalCreated += 1;
    socket.setNoDelay(true);
    const conn: ConnState = { id: this.nextConnectionId++, sasl: {}, authenticated: [] };
    let pending: Buffer = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
      try {
        for (;;) {
          const length = completeMessageLength(pending);
          if (length === 0) break;
          const message = pending.subarray(0, length);
          pending = pending.subarray(length);
          this.onMessage(socket, conn, decodeMessage(message));
        }
      } catch {
        // mongod closes the connection on malformed messages; so do we.
        socket.destroy();
      }
    });
    // Clients vanishing mid-conversation (ECONNRESET) is normal in tests.
    socket.on('error', () => undefined);
    socket.on('close', () => {
      this.sockets.delete(socket);
      this.state.connections.current -= 1;
    });
  }

  private onMessage(socket: net.Socket, conn: ConnState, req: WireRequest): void {
    const name = Object.keys(req.body)[0] ?? '';
    this.state.commandLog.push(name);
    if (req.opCode === OP_QUERY) {
      const db = (req.fullCollectionName ?? '').split('.')[0] ?? '';
      // mongod 6+ accepts OP_QUERY only for the initial hello / isMaster.
      const reply = HELLO_COMMANDS.has(name)
        ? this.execute(name, db, req.body, conn)
        : new CommandError(
            'UnsupportedOpQueryCommand',
            `Unsupported OP_QUERY command: ${name}. The client driver may require an upgrade.`,
          ).toReply();
      this.write(socket, encodeOpReply(this.nextRequestId++, req.requestId, reply));
      return;
    }
    const db = typeof req.body.$db === 'string' ? req.body.$db : '';
    if (
      HELLO_COMMANDS.has(name) &&
      req.body.maxAwaitTimeMS !== undefined &&
      req.body.topologyVersion
    ) {
      this.awaitableHello(socket, conn, req, name, db);
      return;
    }
    const reply = this.execute(name, db, req.body, conn);
    // moreToCome on a request (e.g. w:0 writes) means the client wants no reply.
    if (req.flags & FLAG_MORE_TO_COME) return;
    this.write(socket, encodeOpMsgReply(this.nextRequestId++, req.requestId, reply));
  }

  /**
   * Streaming SDAM: with an unchanged topologyVersion mongod holds the reply for maxAwaitTimeMS;
   * with exhaustAllowed it then keeps sending a reply (flagged moreToCome) every maxAwaitTimeMS
   * until the connection closes. Drivers treat an exhaust reply without moreToCome as an error.
   */
  private awaitableHello(
    socket: net.Socket,
    conn: ConnState,
    req: WireRequest,
    name: string,
    db: string,
  ): void {
    const maxAwait = Math.max(0, Number(req.body.maxAwaitTimeMS));
    const exhaust = (req.flags & FLAG_EXHAUST_ALLOWED) !== 0;
    const tv = req.body.topologyVersion as Document;
    const unchanged =
      tv.processId instanceof ObjectId &&
      tv.processId.equals(this.state.processId) &&
      Number(tv.counter) === 0;
    let responseTo = req.requestId;
    let pending: NodeJS.Timeout | undefined;
    const cancel = (): void => {
      if (pending) clearTimeout(pending);
      if (pending) this.timers.delete(pending);
      pending = undefined;
    };
    socket.once('close', cancel);
    const send = (): void => {
      if (socket.destroyed) return;
      const requestId = this.nextRequestId++;
      const reply = this.execute(name, db, req.body, conn);
      this.write(socket, encodeOpMsgReply(requestId, responseTo, reply, exhaust));
      responseTo = requestId;
      if (exhaust) schedule(maxAwait);
      else socket.off('close', cancel);
    };
    const schedule = (delay: number): void => {
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        pending = undefined;
        send();
      }, delay);
      timer.unref();
      pending = timer;
      this.timers.add(timer);
    };
    schedule(unchanged ? maxAwait : 0);
  }

  private write(socket: net.Socket, data: Buffer): void {
    if (!socket.destroyed) socket.write(data);
  }

  private count(name: string): void {
    const counters = this.state.opcounters;
    if (name === 'find') counters.query += 1;
    else if (name === 'getMore') counters.getmore += 1;
    // insert / update / delete count per statement inside their handlers, as mongod does.
    else if (name !== 'insert' && name !== 'update' && name !== 'delete') counters.command += 1;
  }

  private execute(name: string, db: string, body: Document, conn: ConnState): Document {
    try {
      const handler = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
      if (!handler) throw new CommandError('CommandNotFound', `no such command: '${name}'`);
      if (!db) throw new CommandError('Location40571', 'OP_MSG requests require a $db argument');
      const mustAuth = this.state.security.enabled && !NO_AUTH_COMMANDS.has(name);
      if (mustAuth && conn.authenticated.length === 0) {
        throw new CommandError('Unauthorized', `Command ${name} requires authentication`);
      }
      const ctx = { name, db, body, conn, server: this.state };
      if (mustAuth) authorize(ctx, requiredPrivileges(ctx));
      this.count(name);
      return handler(ctx);
    } catch (err) {
      if (err instanceof CommandError) return err.toReply();
      const message = err instanceof Error ? err.message : String(err);
      return new CommandError(
        'InternalError',
        `Keel MongoDB stand-in bug in ${name}: ${message}`,
      ).toReply();
    }
  }
}
