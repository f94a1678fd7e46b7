// The routes a running Nest application mounts, read from its controllers'
// metadata (the same decorators the router reads), with the roles each
// declares with `@Roles` beside it. The access matrix test compares them with
// its own table, so a route that declares no roles fails there by name.
import { RequestMethod } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants.js';
import { MetadataScanner, ModulesContainer } from '@nestjs/core';
import type { INestApplication } from '@nestjs/common';
import { ROLES_METADATA, type Role } from '../../apps/server/src/auth/roles.js';

export interface DeclaredRoute {
  method: string;
  /** Without the global prefix, in OpenAPI form: `conferences/{cid}/scans`. */
  path: string;
  /** `Controller.method`, to name a route in a failure. */
  handler: string;
  /** What `@Roles` declared, or `undefined` when the method declares nothing. */
  roles: readonly Role[] | undefined;
}

const join = (...parts: string[]): string =>
  parts
    .flatMap((p) => p.split('/'))
    .filter((p) => p !== '')
    .join('/');

export function declaredRoutes(app: INestApplication): DeclaredRoute[] {
  const scanner = new MetadataScanner();
  const routes: DeclaredRoute[] = [];
  for (const module of app.get(ModulesContainer).values()) {
    for (const wrapper of module.controllers.values()) {
      const type = wrapper.metatype as (new (...args: never[]) => unknown) | null;
      if (!type) continue;
      const prefixes = [Reflect.getMetadata(PATH_METADATA, type) as string | string[] | undefined].flat();
      const proto = type.prototype as Record<string, unknown>;
      for (const name of scanner.getAllMethodNames(proto)) {
        const handler = proto[name] as object;
        const paths = [Reflect.getMetadata(PATH_METADATA, handler) as string | string[] | undefined].flat();
        const method = Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod | undefined;
        if (method === undefined || paths[0] === undefined) continue; // not a route
        for (const prefix of prefixes) {
          for (const path of paths) {
            routes.push({
              method: RequestMethod[method],
              path: join(prefix ?? '', path ?? '').replace(/:(\w+)/g, '{$1}'),
              handler: `${type.name}.${name}`,
              roles: Reflect.getMetadata(ROLES_METADATA, handler) as readonly Role[] | undefined,
            });
          }
        }
      }
    }
  }
  return routes;
}
