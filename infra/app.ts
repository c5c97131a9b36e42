// `npx cdk synth|deploy -c stage=dev -c adminEmail=you@example.org`: the qualtag stack, checked by
// cdk-nag's AwsSolutions pack on every synth (synthesis fails on any unacknowledged finding).
import { buildApp } from './build-app.js';

buildApp().app.synth();
