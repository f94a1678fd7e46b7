import 'reflect-metadata';
import { RequestMethod } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { NextFunction, Request, Response } from 'express';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { AppModule } from './app.module.js';
import type { AppConfig } from './config/config.js';
import { ApiErrorFilter } from './shared/error.filter.js';
import { strictValidationPipe } from './shared/validation.js';

/** apps/web/dist, found from the source tree (tests, tsx) or from dist/ (built). */
function webRoot(): string | undefined {
  const here = dirname(fileURLToPath(import.meta.url));
  const candidates = [resolve(here, '../../web/dist'), resolve(here, '../../../../apps/web/dist')];
  return candidates.find((c) => existsSync(join(c, 'index.html')));
}

/** Builds the application; shared by main.ts and the e2e tests so both run the same server. */
export async function createApp(config: AppConfig, options: { logger?: false } = {}): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config), {
    logger: options.logger ?? ['error', 'warn', 'log'],
    bodyParser: false,
  });
  // Bodies are size-limited: the largest legitimate one is a signature (PNG
  // of at most 256 KiB as a data URL, plus strokes); CSV imports get more.
  app.useBodyParser('json', { limit: '1mb' });
  app.useBodyParser('text', { type: ['text/csv', 'text/plain'], limit: '20mb' });
  app.setGlobalPrefix('api', { exclude: [{ path: 'health/*path', method: RequestMethod.ALL }] });
  app.useGlobalPipes(strictValidationPipe());
  app.useGlobalFilters(new ApiErrorFilter());
  app.enableShutdownHooks();
  const web = webRoot();
  if (web) {
    app.useStaticAssets(web, { index: false, maxAge: '1h' });
    // Client-side routes (/door/, /admin/, ...) fall back to the app shell.
    app.use((req: Request, res: Response, next: NextFunction) => {
      if (req.method !== 'GET' || req.path.startsWith('/api') || req.path.startsWith('/health')) return next();
      res.sendFile(join(web, 'index.html'));
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
  SwaggerModule.setup('api/docs', app, document, { jsonDocumentUrl: 'api/docs-json' });
  return app;
}
