import 'reflect-metadata';
import { RequestMethod } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { NextFunction, Request, Response } from 'express';
import type { IncomingMessage } from 'node:http';
import compression from 'compression';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { AppModule } from './app.module.js';
import type { AppConfig } from './config/config.js';
import { ApiErrorFilter } from './shared/error.filter.js';
import { contractComponents } from './shared/api-answers.js';
import { TICKET_LINK_PREFIX } from './conferences/tickets/mail/ticket-link.js';
import { strictValidationPipe } from './shared/validation.js';
import type { DestinationStream } from 'pino';
import { securityHeaders } from './security/headers.js';
import { CorsPolicy, SecureIoAdapter, corsOptions, refuseForeignPreflights } from './security/cors.js';
import { DeviceRegistry } from './auth/device-registry.js';
import { RateLimits } from './security/rate-limit.js';
import { BODY_LIMITS, BodyBudget, beforeBody, bodyLimitOf, identifyDevice } from './security/before-body.js';
import { FailedAuthentications } from './auth/failed-authentications.js';
import { PinoLoggerService, createLogger, httpLogger } from './logging/logger.js';
import { correlationScope } from './logging/fatal.js';
import { IMPORT_ROUTE, contentTypeGuard, jsonShapeGuard, queryGuard } from './security/input-guards.js';
import { prepareTls, servePlainHttp, tlsMiddleware } from './tls/https.js';

/** apps/web/dist, found from the source tree (tests, tsx) or from dist/ (built). */
function webRoot(): string | undefined {
  const here = dirname(fileURLToPath(import.meta.url));
  const candidates = [resolve(here, '../../web/dist'), resolve(here, '../../../../apps/web/dist')];
  return candidates.find((c) => existsSync(join(c, 'index.html')));
}

/** Files of the web build that are fetched again on every visit (see the static assets below). */
const REVALIDATED = /(?:^|[\\/])(?:sw\.js|workbox-[\w-]+\.js|manifest\.webmanifest|index\.html)$/;

const pathOf = (url: string | undefined): string => (url ?? '/').split('?', 1)[0]!;
const DOOR_DATASET_ROUTE = /^\/api\/conferences\/[^/]+\/door-dataset$/;

export interface CreateAppOptions {
  /** `false`: no log at all (most tests); requests still get their correlation id. */
  logger?: false;
  /** Where the log goes instead of stdout (tests read it), at LOG_LEVEL, always JSON. */
  logDestination?: DestinationStream;
}

/** Builds the application; shared by main.ts and the e2e tests so both run the same server. */
export async function createApp(config: AppConfig, options: CreateAppOptions = {}): Promise<NestExpressApplication> {
  // HTTPS when configured (TLS=local or a given certificate; ADR 009).
  const tls = prepareTls(config);
  const log = createLogger(
    options.logger === false ? { ...config, logLevel: 'silent' } : config,
    options.logDestination,
  );
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config), {
    logger: options.logger === false ? false : new PinoLoggerService(log),
    bodyParser: false,
    httpsOptions: tls.httpsOptions,
    // A provider that cannot start (e.g. the key store's database refusing
    // PERSONAL_KEYS_URL) rejects here, so main.ts can name the variable.
    abortOnError: false,
  });
  servePlainHttp(app, config, tls);
  // The client address (rate limits) is the socket's, or, behind a reverse
  // proxy that TRUST_PROXY says to believe, the one in X-Forwarded-For.
  app.set('trust proxy', config.trustProxy);
  app.disable('x-powered-by');
  // In this order, before anything reads a body: the request's log line
  // (and correlation id), headers on every answer, CORS (preflights carry no
  // token), the limit on requests without a token, then the shape of what is
  // sent. The per-device limits run once the auth guard knows the device.
  const cors = new CorsPolicy(config.corsOrigins);
  const limits = app.get(RateLimits);
  app.use(httpLogger(log));
  app.use(securityHeaders());
  // HSTS, and the local CA at /ca.crt for phones with no token yet (not a Nest route).
  app.use(tlsMiddleware(tls, config.httpPort));
  app.use(refuseForeignPreflights(cors));
  app.enableCors(corsOptions(cors));
  // Who is calling is known before any body is read (security/before-body.ts):
  // a valid token sets req.device; anything else counts as anonymous, and
  // its body is refused unread; a device is counted against its own budget.
  app.use(identifyDevice(app.get(DeviceRegistry)));
  app.use(limits.anonymous);
  app.use(beforeBody(app.get(FailedAuthentications), limits, new BodyBudget()));
  app.use(queryGuard());
  app.use(contentTypeGuard());
  // Bodies are size-limited per route (BODY_LIMITS): a signature (PNG of at
  // most 256 KiB as a data URL, plus strokes), a charter's text, and 64 KiB
  // for everything else; only the CSV import takes more. Compressed bodies
  // are refused (415) rather than inflated.
  const isJson = (req: IncomingMessage) => /^application\/json\b/i.test(req.headers['content-type'] ?? '');
  for (const limit of [BODY_LIMITS.signature, BODY_LIMITS.charter, BODY_LIMITS.json]) {
    app.useBodyParser('json', {
      type: (req: IncomingMessage) => isJson(req) && bodyLimitOf(req) === limit,
      limit,
      inflate: false,
    });
  }
  // The file as bytes: its encoding (UTF-8 or Windows-1252) is detected by the import, not assumed from a header.
  app.useBodyParser('raw', {
    type: (req: IncomingMessage) =>
      IMPORT_ROUTE.test(pathOf(req.url)) && /^text\/(?:csv|plain)\b/i.test(req.headers['content-type'] ?? ''),
    limit: BODY_LIMITS.import,
    inflate: false,
  });
  // From here on, what a request schedules runs in its scope: an error no caller catches is logged with its id.
  app.use(correlationScope());
  app.use(jsonShapeGuard());
  // The door's whole list is the one large JSON answer (≈ 330 bytes a ticket,
  // 16 MB at 50,000; a fifth of that gzipped) and it crosses the venue's
  // Wi-Fi to every door phone: compressed. Nothing there echoes what the
  // caller sent, so compression leaks nothing (BREACH needs a reflected secret).
  // Only there: the compression middleware wraps every answer it sees (write, end, a header hook) even to leave it
  // as it is, work the scan path paid for on each request (issue 27).
  const compressDataset = compression({ threshold: 1024 });
  app.use((req: Request, res: Response, next: NextFunction) => {
    if (DOOR_DATASET_ROUTE.test(pathOf(req.url))) compressDataset(req, res, next);
    else next();
  });
  const devices = app.get(DeviceRegistry);
  app.useWebSocketAdapter(
    new SecureIoAdapter(app, cors, config.trustProxy, limits, async (token) => devices.authenticate(token)),
  );
  // Outside /api: health, and the no-account link to a ticket sent by e-mail (the person has no device token).
  app.setGlobalPrefix('api', {
    exclude: [
      { path: 'health/*path', method: RequestMethod.ALL },
      { path: `${TICKET_LINK_PREFIX}/*path`, method: RequestMethod.GET },
    ],
  });
  app.useGlobalPipes(strictValidationPipe());
  app.useGlobalFilters(new ApiErrorFilter());
  app.enableShutdownHooks();
  const web = webRoot();
  if (web) {
    app.useStaticAssets(web, {
      index: false,
      maxAge: '1h',
      // The service worker, its Workbox runtime, the manifest and the app shell name every other file: a phone
      // must ask for them each time (it gets a 304 when nothing changed), or a new build would wait an hour
      // behind a cached worker that keeps serving the old one.
      setHeaders: (res: Response, path: string) => {
        if (REVALIDATED.test(path)) res.setHeader('Cache-Control', 'no-cache');
      },
    });
    // Client-side routes (/door/, /admin/, ...) fall back to the app shell.
    app.use((req: Request, res: Response, next: NextFunction) => {
      if (
        req.method !== 'GET' ||
        req.path.startsWith('/api') ||
        req.path.startsWith('/health') ||
        req.path.startsWith(`/${TICKET_LINK_PREFIX}/`)
      )
        return next();
      res.sendFile(join(web, 'index.html'), { headers: { 'Cache-Control': 'no-cache' } });
    });
  }
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Émargement')
      .setDescription('Registrations, ID-checked arrivals and charter signatures, recorded as events.')
      .setVersion('0.1.0')
      .addBearerAuth()
      .build(),
  );
  // The answers' schemas come from libs/contract, referenced by name from each operation (shared/api-answers.ts).
  document.components = {
    ...document.components,
    schemas: {
      ...document.components?.schemas,
      ...(contractComponents() as NonNullable<NonNullable<typeof document.components>['schemas']>),
    },
  };
  SwaggerModule.setup('api/docs', app, document, { jsonDocumentUrl: 'api/docs-json' });
  return app;
}
