import { Global, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { ConferencesModule } from '../conferences/conferences.module.js';
import { AuthGuard } from './auth.guard.js';
import { DeviceRegistry } from './device-registry.js';
import { EnrolDeviceController, EnrolDeviceHandler } from './enrol-device/enrol-device.js';
import { RevokeDeviceController, RevokeDeviceHandler } from './revoke-device/revoke-device.js';
import { ListDevicesController, ListDevicesHandler } from './list-devices/list-devices.js';
import { WhoAmIController } from './who-am-i/who-am-i.js';
import { FailedAuthentications } from './failed-authentications.js';
import { DeviceSocketAuthenticator } from './device-socket-authenticator.js';

/** Devices, roles and the guard in front of every route (default deny). */
@Global()
@Module({
  imports: [ConferencesModule],
  controllers: [EnrolDeviceController, ListDevicesController, RevokeDeviceController, WhoAmIController],
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
