/**
 * The stream benchmarks' users: premium accounts, each with a class holding a 5-chunk document
 * (with embeddings), written straight into the database, and a signed session token.
 */
import { randomUUID } from 'node:crypto';
import { createTokenService } from '@classchat/api';
import { connect, createRepositories } from '@classchat/db';
import { seedReadyDocument } from '@classchat/testkit';

const NOTES = [
  'Osmosis is the diffusion of water across a semipermeable membrane from low to high solute concentration.',
  'The plasma membrane is a phospholipid bilayer; cholesterol keeps it fluid and proteins move within it.',
  'Mitochondria make ATP by cellular respiration: glycolysis, the Krebs cycle and the electron transport chain.',
  'Enzymes lower activation energy; temperature and pH change the shape of the active site.',
  'Mitosis gives two identical cells; meiosis gives four gametes with half the chromosomes.',
];

export interface BenchUser {
  id: string;
  token: string;
  classId: string;
}

export async function seedUsers(databaseUrl: string, jwtSecret: string, count: number): Promise<BenchUser[]> {
  const database = connect(databaseUrl, { max: 4 });
  const repos = createRepositories(database.db);
  const tokens = createTokenService(jwtSecret, 3600);
  const users: BenchUser[] = [];
  try {
    for (let i = 0; i < count; i++) {
      const user = await repos.users.create({
        email: `bench-${i}-${randomUUID()}@example.com`,
        name: `Bench ${i}`,
        passwordHash: 'unused',
        plan: 'premium',
      });
      const cls = await repos.classes.create(user.id, 'Biology');
      await seedReadyDocument(
        repos,
        { userId: user.id, classId: cls.id, fileName: 'notes.txt', mimeType: 'text/plain' },
        NOTES,
      );
      users.push({ id: user.id, token: await tokens.sign(user.id), classId: cls.id });
    }
  } finally {
    await database.close();
  }
  return users;
}
