package dev.billingsync.sync;

import java.util.Optional;
import org.springframework.data.jpa.repository.NativeQuery;
import org.springframework.data.repository.Repository;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

interface LockRecordRepository extends Repository<LockRecord, String> {

    /**
     * The lock row if {@code owner} holds it unexpired by the database's clock at this instant (not the transaction's
     * start), locked until the caller's transaction ends.
     */
    @Transactional(propagation = Propagation.MANDATORY)
    @NativeQuery("""
            select * from shedlock where name = :name and locked_by = :owner
                and lock_until > timezone('utc', clock_timestamp())
            for update
            """)
    Optional<LockRecord> findHeldForUpdate(String name, String owner);
}
