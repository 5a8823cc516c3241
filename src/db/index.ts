export { connectMongo, type Mongo } from './connect';
