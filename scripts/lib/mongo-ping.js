// Exits 0 once the MongoDB-wire server at argv[2] answers a ping; used as a readiness probe.
const { MongoClient } = require('mongodb');

const client = new MongoClient(process.argv[2], { serverSelectionTimeoutMS: 1000, connectTimeoutMS: 1000 });
client
  .db('admin')
  .command({ ping: 1 })
  .then(() => client.close().then(() => process.exit(0)))
  .catch(() => client.close().finally(() => process.exit(1)));
