import { Global, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { ConferencesModule } from '../conferences/conferences.module.js';
import { AuthGuard } from './auth.guard.js';
import { DeviceRegistry } from './device-registry.js';
import {
  DevicesController,
  EnrolDeviceHandler,
  ListDevicesHandler,
  RevokeDeviceHandler,
} from './devices.controller.js';
import { FailedAuthentications } from './failed-authentications.js';
import { DeviceSocketAuthenticator } from './device-socket-authenticator.js';

/** Devices, roles and the guard in front of every route (default deny). */
@Global()
@Module({
  imports: [ConferencesModule],
  controllers: [DevicesController],
  providers: [
    DeviceRegistry,
    FailedAuthentications,
    DeviceSocketAuthenticator,
    EnrolDeviceHandler,
    RevokeDeviceHandler,
    ListDevicesHandler,
    { provide: APP_GUARD, useClass: AuthGuard },
  ],
  exports: [DeviceRegistry, FailedAuthentications, DeviceSocketAuthenticator],
})
export class AuthModule {}
