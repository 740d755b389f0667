#!/usr/bin/env node
import { App } from 'aws-cdk-lib';
import { buildExamples } from './all';
import { StrictValidations } from '../src';

// CloudFormation Validate, cdk-nag's AwsSolutions rules and the Control Tower guard rules; any
// finding that no acknowledgement covers fails synthesis (and `cdk synth` with it).
const app = new App();
StrictValidations.addTo(app);
buildExamples(app).synth();
