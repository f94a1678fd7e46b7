/**
 * The floor for bench/scans.bench.ts: a Nest application on the same
 * platform (Express) and JSON body parser as the server, with one POST route
 * that does no work. What the scan path costs is the difference.
 */
import 'reflect-metadata';
import { Controller, HttpCode, Module, Post } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';

@Controller('noop')
class NoopController {
  @Post()
  @HttpCode(200)
  noop(): { ok: true } {
    return { ok: true };
  }
}

@Module({ controllers: [NoopController] })
class MinimalModule {}

export async function startMinimalNest(): Promise<{ url: string; close: () => Promise<void> }> {
  const app = await NestFactory.create<NestExpressApplication>(MinimalModule, { logger: false, bodyParser: false });
  app.useBodyParser('json', { limit: '1mb' });
  app.setGlobalPrefix('api');
  await app.listen(0, '127.0.0.1');
  return { url: await app.getUrl(), close: () => app.close() };
}
